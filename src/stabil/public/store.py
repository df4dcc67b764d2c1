"""The directory of published files, written so that no reader ever sees half of one.

Each file is written beside its final name, synced, and renamed over it (a rename within one
directory is atomic): a reader opens either the old bytes or the new ones. A file whose bytes
did not change is left alone, so its modification time, and with it `Last-Modified`, says
when its content last changed. The manifest (`.manifest.json`, replaced the same way) lists
every file with its ETag, media type and modification time, so that serving a file never
hashes it, and which publication owns it: the files a service's publication no longer has
are removed. Names starting with a dot are the store's own and are never published.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from stabil.public.site import PublicFile
from stabil.settings import Settings, get_settings

MANIFEST = ".manifest.json"
LOCK = ".lock"
FORMAT = 1
# Owners that are not services (a service's key has no colon): the files of the whole site
# (the index, the not-found page), and the style sheets and images an export copies.
SITE = ":site"
ASSETS = ":assets"
MAX_PATH = 400


class BadPath(ValueError):
    """A publication named a file outside the store, or one of the store's own."""


def default_root(settings: Settings | None = None) -> Path:
    settings = settings or get_settings()
    return settings.public_dir or settings.var_dir / "public"


def etag_of(body: bytes) -> str:
    """A strong ETag: the same bytes always give the same tag, other bytes another."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def check_path(path: str) -> str:
    """`path` if it names a file inside the store that is not one of its own; else BadPath."""
    parts = path.split("/")
    if (
        not path
        or len(path) > MAX_PATH
        or "\\" in path
        or "\0" in path
        or any(part in ("", ".", "..") or part.startswith(".") for part in parts)
    ):
        raise BadPath(f"{path!r} is not a relative path of plain names, like status/x/index.html")
    return path


@dataclass(frozen=True, slots=True)
class Entry:
    """What the manifest knows of one file."""

    etag: str
    media_type: str
    modified: int  # seconds since the epoch; the file's mtime is set to it
    size: int
    owner: str  # the publication the file belongs to: a service's key, or SITE


@dataclass(frozen=True, slots=True)
class Manifest:
    files: dict[str, Entry] = field(default_factory=dict)
    code: str = ""  # the code and the database they were rendered by (publish.site_stamp)
    # The instant each owner's files show, ISO 8601 in UTC: an older publication, rendered
    # by a slower worker, never replaces a newer one.
    published: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Written:
    """What a write did, path by path."""

    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    outdated: list[str] = field(default_factory=list)  # owners left alone: a newer one is there
    bytes: int = 0  # of every file in the publications written, changed or not

    @property
    def files(self) -> int:
        return len(self.changed) + len(self.unchanged)


def read_manifest(root: Path) -> Manifest:
    """The manifest of the store at `root`; an empty one when there is none yet."""
    try:
        raw = json.loads((root / MANIFEST).read_bytes())
    except FileNotFoundError:
        return Manifest()
    return parse_manifest(raw)


def parse_manifest(raw: Mapping[str, Any]) -> Manifest:
    files = {path: Entry(**entry) for path, entry in raw.get("files", {}).items()}
    published = {str(owner): str(at) for owner, at in raw.get("published", {}).items()}
    return Manifest(files=files, code=str(raw.get("code", "")), published=published)


class Store:
    """The published files under `root`, and the one way to change them."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def manifest(self) -> Manifest:
        return read_manifest(self.root)

    def write(
        self,
        publications: Mapping[str, Sequence[PublicFile]],
        *,
        at: dt.datetime,
        code: str = "",
    ) -> Written:
        """Make each owner's files exactly those given, as they are at `at`: new and changed
        files are written, unchanged ones left alone, and the files the owner had before but
        not now removed. Owners not named keep their files, and so does an owner whose files
        show a later instant than `at`."""
        for files in publications.values():
            for item in files:
                check_path(item.path)
        self.root.mkdir(parents=True, exist_ok=True)
        with self._locked():
            before = self.manifest()
            written = Written(outdated=_outdated(before, publications, at))
            current = {
                owner: files
                for owner, files in publications.items()
                if owner not in written.outdated
            }
            entries = dict(before.files)
            for owner, files in current.items():
                for item in files:
                    entries[item.path] = self._put(item, owner, entries.get(item.path), written)
            kept = {item.path for files in current.values() for item in files}
            gone = sorted(
                path
                for path, entry in entries.items()
                if entry.owner in current and path not in kept
            )
            for path in gone:
                del entries[path]
            if written.changed:
                _sync_directories(self.root, written.changed)
            published = before.published | dict.fromkeys(current, at.astimezone(dt.UTC).isoformat())
            # The manifest after the files it names, the removals after the manifest: a
            # reader that has the manifest finds every file in it.
            self._replace_manifest(Manifest(entries, code or before.code, published))
            for path in gone:
                self._remove(path)
            written.removed = gone
        return written

    def _put(self, item: PublicFile, owner: str, known: Entry | None, written: Written) -> Entry:
        tag = etag_of(item.body)
        target = self.root / item.path
        written.bytes += len(item.body)
        if known is not None and known.etag == tag and _same_file(target, known):
            written.unchanged.append(item.path)
            return Entry(tag, item.media_type, known.modified, len(item.body), owner)
        modified = int(time.time())
        write_atomically(target, item.body, modified)
        written.changed.append(item.path)
        return Entry(tag, item.media_type, modified, len(item.body), owner)

    def _replace_manifest(self, manifest: Manifest) -> None:
        body = {
            "format": FORMAT,
            "code": manifest.code,
            "published": dict(sorted(manifest.published.items())),
            "files": {path: asdict(entry) for path, entry in sorted(manifest.files.items())},
        }
        data = json.dumps(body, indent=1, ensure_ascii=False).encode()
        write_atomically(self.root / MANIFEST, data, int(time.time()))

    def _remove(self, path: str) -> None:
        target = self.root / path
        target.unlink(missing_ok=True)
        # Empty directories left behind (a message's page gone) go too, up to the root.
        parent = target.parent
        while parent != self.root:
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One writer at a time (the server's worker, another worker, an export): each reads
        the manifest, changes it and writes it back."""
        with (self.root / LOCK).open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def write_atomically(target: Path, body: bytes, modified: int) -> None:
    """Write `body` to `target` so that a reader sees the old file or the new one, whole."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.tmp-")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(body)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it private; web servers must read it
        os.utime(temporary, (modified, modified))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _outdated(
    before: Manifest, publications: Mapping[str, Sequence[PublicFile]], at: dt.datetime
) -> list[str]:
    """The owners whose files in the store show a later instant than `at`."""
    return [
        owner
        for owner in publications
        if owner in before.published and dt.datetime.fromisoformat(before.published[owner]) > at
    ]


def _same_file(target: Path, known: Entry) -> bool:
    """Whether the file on disk is still the one the manifest describes (no one replaced or
    deleted it by hand): same size and modification time."""
    try:
        stat = target.stat()
    except FileNotFoundError:
        return False
    return stat.st_size == known.size and int(stat.st_mtime) == known.modified


def _sync_directories(root: Path, paths: Sequence[str]) -> None:
    """Make the renames durable: a crash after the manifest names a file must not lose it."""
    for directory in {(root / path).parent for path in paths}:
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
