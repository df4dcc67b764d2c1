"""The store writes each file atomically, rewrites only what changed and keeps its manifest."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from pathlib import Path

import pytest

from stabil.public.site import HTML, JSON, PublicFile
from stabil.public.store import MANIFEST, SITE, BadPath, Store, etag_of

T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def files(*pairs: tuple[str, bytes]) -> list[PublicFile]:
    return [PublicFile(path, body, HTML) for path, body in pairs]


def test_a_publication_is_written_with_its_manifest(tmp_path: Path) -> None:
    store = Store(tmp_path)
    page = PublicFile("status/borger-dk/index.html", b"<p>Alt virker</p>", HTML)
    data = PublicFile("status/borger-dk.json", b'{"state": "operational"}', JSON)
    written = store.write({"borger-dk": [page, data]}, at=T0, code="v1")
    assert sorted(written.changed) == ["status/borger-dk.json", "status/borger-dk/index.html"]
    assert (tmp_path / page.path).read_bytes() == page.body
    manifest = store.manifest()
    entry = manifest.files[data.path]
    assert (entry.etag, entry.media_type, entry.size, entry.owner) == (
        etag_of(data.body),
        JSON,
        len(data.body),
        "borger-dk",
    )
    assert int((tmp_path / data.path).stat().st_mtime) == entry.modified
    assert manifest.code == "v1"
    assert manifest.published == {"borger-dk": T0.isoformat()}
    assert json.loads((tmp_path / MANIFEST).read_bytes())["format"] == 1
    # Readable by a web server running as another user.
    assert (tmp_path / page.path).stat().st_mode & 0o444 == 0o444


def test_a_strong_etag_differs_for_other_bytes() -> None:
    assert etag_of(b"a") == etag_of(b"a")
    assert etag_of(b"a") != etag_of(b"b")
    assert etag_of(b"a").startswith('"')  # strong: no W/


def test_a_file_whose_bytes_did_not_change_is_not_rewritten(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.write({"x": files(("status/x/index.html", b"same"), ("status/x.json", b"1"))}, at=T0)
    page, data = tmp_path / "status/x/index.html", tmp_path / "status/x.json"
    old = os.stat(page)
    os.utime(data, (1_000_000, 1_000_000))  # as if written long ago, by hand
    later = T0 + dt.timedelta(minutes=1)
    written = store.write(
        {"x": files(("status/x/index.html", b"same"), ("status/x.json", b"2"))}, at=later
    )
    assert written.unchanged == ["status/x/index.html"]
    assert written.changed == ["status/x.json"]  # its mtime no longer matched: written anew
    new = os.stat(page)
    assert (new.st_ino, new.st_mtime_ns) == (old.st_ino, old.st_mtime_ns)
    assert store.manifest().files["status/x/index.html"].modified == int(old.st_mtime)
    assert data.read_bytes() == b"2"


def test_files_a_publication_no_longer_has_are_removed_and_others_kept(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.write(
        {
            "x": files(("status/x/index.html", b"x"), ("status/x/messages/7/index.html", b"7")),
            "y": files(("status/y/index.html", b"y")),
            SITE: files(("status/index.html", b"all")),
        },
        at=T0,
    )
    written = store.write({"x": files(("status/x/index.html", b"x"))}, at=T0)
    assert written.removed == ["status/x/messages/7/index.html"]
    assert not (tmp_path / "status/x/messages").exists()  # its empty directories too
    assert (tmp_path / "status/y/index.html").read_bytes() == b"y"
    assert (tmp_path / "status/index.html").read_bytes() == b"all"
    assert set(store.manifest().files) == {
        "status/x/index.html",
        "status/y/index.html",
        "status/index.html",
    }


def test_an_older_publication_does_not_replace_a_newer_one(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.write({"x": files(("status/x/index.html", b"new"))}, at=T0)
    written = store.write({"x": files(("status/x/index.html", b"old"))}, at=T0 - dt.timedelta(1))
    assert written.outdated == ["x"]
    assert (tmp_path / "status/x/index.html").read_bytes() == b"new"


@pytest.mark.parametrize(
    "path",
    [
        "../escape.html",
        "status/../../escape.html",
        "/etc/passwd",
        "status//index.html",
        "status/x/",
        ".manifest.json",
        "status/.lock",
        "status\\x\\index.html",
        "",
    ],
)
def test_a_file_outside_the_store_or_of_its_own_is_refused(tmp_path: Path, path: str) -> None:
    with pytest.raises(BadPath):
        Store(tmp_path).write({"x": files((path, b"no"))}, at=T0)
    assert not (tmp_path / MANIFEST).exists()  # nothing written for a refused publication


def test_a_reader_never_sees_half_a_file(tmp_path: Path) -> None:
    # Large enough that writing one takes many system calls, of two sizes so that a file
    # read while it was rewritten in place would show as neither.
    bodies = (b"a" * 200_000, b"b" * 50_000)
    store = Store(tmp_path)
    store.write({"x": files(("status/x/index.html", bodies[0]))}, at=T0)
    target = tmp_path / "status/x/index.html"
    done = threading.Event()
    seen: list[bytes] = []

    def read() -> None:
        while not done.is_set():
            seen.append(target.read_bytes())

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for n in range(200):
            at = T0 + dt.timedelta(seconds=n + 1)
            store.write({"x": files(("status/x/index.html", bodies[n % 2]))}, at=at)
    finally:
        done.set()
        reader.join()
    assert len(seen) > 20
    assert {len(body) for body in seen} <= {len(body) for body in bodies}
    assert all(body in bodies for body in seen)
    assert not [name for name in os.listdir(target.parent) if ".tmp-" in name]
