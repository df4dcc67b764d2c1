"""`stabil status export DIR` writes the whole public site, byte for byte what `stabil serve`
answers, with only the static files its pages link."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select

from stabil.accounts.models import User
from stabil.cli import serve as serving
from stabil.db.engine import unit_of_work
from stabil.declaration.communication import MessageType
from stabil.public.publish import publish
from stabil.public.store import ASSETS, Store, read_manifest
from stabil.status.service import NewMessage, post_message
from stabil.web.app import STATIC_DIR, create_app
from stabil.web.public_http import PublicHttpProtocol
from tests.conftest import BORGER_DK, EXAMPLE, Stabil, forget_configuration
from tests.public.conftest import PlainSite

NOW = dt.datetime(2026, 4, 14, 8, 0, tzinfo=dt.UTC)
TITLE = "Log-in virker ikke"


def url_of(path: str) -> str:
    return "/" + path.removesuffix("/index.html")


@pytest.fixture
def desk(stabil: Stabil) -> Stabil:
    """Both declarations loaded with the CLI, and an open message on Borger.dk."""
    assert stabil("service", "load", str(BORGER_DK), str(EXAMPLE)).exit_code == 0
    organisation = stabil(
        "organisation", "add", "--key", "digst", "--name", "Digst", "--kind", "agency"
    )
    assert organisation.exit_code == 0, organisation.output
    added = stabil(
        "user", "add", "--email", "op@example.org", "--role", "operator", "--organisation", "digst"
    )
    assert added.exit_code == 0, added.output
    with unit_of_work() as session:
        operator = session.scalars(select(User).where(User.email == "op@example.org")).one()
        new = NewMessage("borger-dk", MessageType.unavailable, ["Log-in"], TITLE, "Nede.")
        post_message(session, operator, new, NOW - dt.timedelta(hours=1))
    return stabil


def test_the_export_is_what_the_server_answers(
    desk: Stabil, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The site's own renderer: the real pages, feeds, JSON and calendar.
    exported, served = tmp_path / "site", tmp_path / "served"
    with time_machine.travel(NOW, tick=False):
        result = desk("status", "export", str(exported))
    assert result.exit_code == 0, result.output
    assert "borger-dk" in result.output
    assert "example-webservice" in result.output
    with unit_of_work() as session:
        publish(session, NOW, store=Store(served))

    manifest = read_manifest(exported)
    pages = [path for path, entry in manifest.files.items() if entry.owner != ASSETS]
    assert {
        "status/index.html",
        "en/status/index.html",
        "status/404.html",
        "status/borger-dk/index.html",
        "en/status/borger-dk/index.html",
        "status/borger-dk/feed.atom",
        "status/borger-dk.json",
        "status/borger-dk/api/v2/summary.json",
        "status/borger-dk/windows.ics",
        "status/example-webservice/index.html",
    } <= set(pages)
    assert TITLE in (exported / "status/borger-dk/index.html").read_text()

    monkeypatch.setenv("STABIL_PUBLIC_DIR", str(served))
    forget_configuration()
    with TestClient(create_app()) as client:
        for path in pages:
            response = client.get(url_of(path))
            assert response.status_code == 200, path
            assert response.content == (exported / path).read_bytes(), path
            assert response.headers["etag"] == manifest.files[path].etag
        # The linked static files, as the app serves them, and nothing the pages do not link.
        copied = [path for path, entry in manifest.files.items() if entry.owner == ASSETS]
        assert "static/stabil.css" in copied
        for path in copied:
            assert client.get("/" + path).content == (exported / path).read_bytes(), path
    linked = {p.name for p in (exported / "static").iterdir()}
    assert linked < {p.name for p in STATIC_DIR.iterdir()}
    assert "api-docs.js" not in linked


def test_exporting_again_rewrites_only_what_changed(
    desk: Stabil, site: PlainSite, tmp_path: Path
) -> None:
    with time_machine.travel(NOW, tick=False):
        assert desk("status", "export", str(tmp_path)).exit_code == 0
        page = (tmp_path / "status/borger-dk/index.html").stat()
        again = desk("status", "export", str(tmp_path))
    assert again.exit_code == 0
    assert ": 0 changed" in again.output
    assert (tmp_path / "status/borger-dk/index.html").stat().st_ino == page.st_ino
    later = NOW + dt.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        moved = desk("status", "export", str(tmp_path))
    assert moved.exit_code == 0
    assert ": 0 changed" not in moved.output  # the pages show the instant they were made


def test_serve_publishes_before_it_answers_and_answers_files_in_its_protocol(
    desk: Stabil, site: PlainSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STABIL_PUBLIC_DIR", str(tmp_path))
    forget_configuration()
    started: list[dict[str, object]] = []
    monkeypatch.setattr(serving.uvicorn, "run", lambda *args, **options: started.append(options))
    monkeypatch.setattr(serving, "stop_worker_on_signals", lambda runner: None)  # pytest's own
    result = desk("serve", "--no-worker")
    assert result.exit_code == 0, result.output
    assert "published the public site" in result.output
    assert TITLE in (tmp_path / "status/borger-dk/index.html").read_text()
    assert started[0]["http"] is PublicHttpProtocol
    assert started[0]["access_log"] is True  # STABIL_LOG_LEVEL=info, the default
