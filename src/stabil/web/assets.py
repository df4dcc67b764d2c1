"""Front-end packages from the npm registry, pinned by version and integrity hash.

The pages use the Danish public design system (npm package `dkfds`). It is not vendored into
the repository: `stabil assets fetch` downloads the locked tarball, checks its integrity and
unpacks the built files under `var/assets/`.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path

import httpx
from rich.progress import Progress

LOCK_FILE = Path(__file__).with_name("assets.lock.json")


@dataclass(frozen=True, slots=True)
class LockedPackage:
    name: str
    version: str
    tarball: str
    integrity: str
    extract: tuple[str, ...]
    strip: str


class AssetError(Exception):
    pass


def locked_packages() -> list[LockedPackage]:
    data = json.loads(LOCK_FILE.read_text())
    return [
        LockedPackage(
            name=name,
            version=entry["version"],
            tarball=entry["tarball"],
            integrity=entry["integrity"],
            extract=tuple(entry["extract"]),
            strip=entry["strip"],
        )
        for name, entry in data.items()
    ]


def is_installed(package: LockedPackage, target: Path) -> bool:
    stamp = target / package.name / ".version"
    return stamp.exists() and stamp.read_text().strip() == package.version


def fetch(package: LockedPackage, target: Path, progress: Progress) -> None:
    """Download, verify and unpack one package into `target/<name>/`."""
    data = _download(package, progress)
    algorithm, _, expected = package.integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise AssetError(f"{package.name} {package.version}: integrity check failed")
    destination = target / package.name
    staging = target / f".{package.name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            inner = member.name.removeprefix("package/")
            if not member.isfile() or not inner.startswith(package.extract):
                continue
            relative = member.name.removeprefix(package.strip)
            path = (staging / relative).resolve()
            if not path.is_relative_to(staging.resolve()):
                raise AssetError(f"{package.name}: unsafe path {member.name!r} in the tarball")
            path.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(member)
            assert source is not None
            path.write_bytes(source.read())
    (staging / ".version").write_text(package.version)
    shutil.rmtree(destination, ignore_errors=True)
    staging.rename(destination)


def _download(package: LockedPackage, progress: Progress) -> bytes:
    buffer = io.BytesIO()
    with httpx.stream("GET", package.tarball, follow_redirects=True, timeout=60) as response:
        response.raise_for_status()
        total = int(response.headers.get("content-length", 0)) or None
        task = progress.add_task(f"{package.name} {package.version}", total=total)
        for chunk in response.iter_bytes():
            buffer.write(chunk)
            progress.advance(task, len(chunk))
    return buffer.getvalue()
