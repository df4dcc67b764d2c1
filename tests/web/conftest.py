"""Fixtures of the web tests: the app with its real sessions, on a database of its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from stabil.db.engine import get_engine
from stabil.web.app import create_app
from tests.cast import Cast
from tests.conftest import forget_configuration
from tests.web.served import prepare
from tests.worker.processes import fresh_postgresql, fresh_sqlite


@dataclass
class RealApp:
    """The app with its real sessions (no test transaction around them) on its own database."""

    client: TestClient
    engine: Engine
    cast: Cast


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def real(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RealApp]:
    if request.param == "sqlite":
        url, engine = fresh_sqlite(tmp_path)
        with real_app(url, engine, tmp_path, monkeypatch) as running:
            yield running
        engine.dispose()
    else:
        with (
            fresh_postgresql() as (url, engine),
            real_app(url, engine, tmp_path, monkeypatch) as running,
        ):
            yield running


@contextmanager
def real_app(
    url: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RealApp]:
    monkeypatch.setenv("STABIL_DATABASE_URL", url)
    monkeypatch.setenv("STABIL_VAR_DIR", str(tmp_path))
    forget_configuration()
    cast = prepare(engine)
    app = create_app()
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            yield RealApp(client, engine, cast)
    finally:
        get_engine().dispose()
        forget_configuration()
