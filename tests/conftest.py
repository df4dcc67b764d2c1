"""Fixtures every test may use: the shipped declarations and databases of both kinds.

Database tests run against SQLite and PostgreSQL. Each xdist worker gets its own database,
migrated once; each test runs inside a transaction that is rolled back, so tests stay fast and
independent. Without a reachable PostgreSQL the PostgreSQL tests are not run, and the summary
says so plainly; with PYTEST_REQUIRE_POSTGRES=1 (as in CI) that is an error instead.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TypeVar

import pytest
import time_machine
from click.testing import Result
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from stabil.catalog.service import store_declaration
from stabil.cli.main import app as cli_app
from stabil.db import engine as db_engine
from stabil.db.engine import get_engine, make_engine
from stabil.db.migrate import upgrade
from stabil.declaration import Declaration, load_declaration, parse_declaration
from stabil.settings import get_settings
from stabil.web.app import create_app
from stabil.web.deps import get_session, get_units
from tests.browser.needs import require_browser
from tests.cast import Cast, cheap_hashing, make_cast

ROOT = Path(__file__).resolve().parent.parent
DECLARATIONS = ROOT / "declarations"
BORGER_DK = DECLARATIONS / "borger-dk.yaml"
EXAMPLE = DECLARATIONS / "example-webservice.yaml"
POSTGRES_URL = os.environ.get(
    "PYTEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
_postgres_problem: str | None = None
_PUBLIC_DIR = pytest.StashKey[str]()
T = TypeVar("T")


@pytest.fixture(scope="session")
def borger_dk() -> Declaration:
    return load_declaration(BORGER_DK)


@pytest.fixture(scope="session")
def example_declaration() -> Declaration:
    return load_declaration(EXAMPLE)


def _postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except OperationalError as error:
        return str(error.orig).strip().splitlines()[0]
    return None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: needs the PostgreSQL server")
    # What the tests publish goes to a directory of each test process's own, never to the
    # checkout's var/public that `make run` serves, whose files would answer the requests.
    config.stash[_PUBLIC_DIR] = tempfile.mkdtemp(prefix="stabil-test-public-")
    os.environ["STABIL_PUBLIC_DIR"] = config.stash[_PUBLIC_DIR]


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(config.stash[_PUBLIC_DIR], ignore_errors=True)
    os.environ.pop("STABIL_PUBLIC_DIR", None)


@pytest.fixture(autouse=True)
def _nothing_published(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts with nothing published: what another test's worker published
    (its windows' calendar, say) must not answer this test's requests."""
    yield
    published = Path(request.config.stash[_PUBLIC_DIR])
    if any(published.iterdir()):
        # A module's live server may still be publishing into it as it is emptied.
        shutil.rmtree(published, ignore_errors=True)
        published.mkdir(exist_ok=True)


def pytest_sessionstart(session: pytest.Session) -> None:
    require_browser(session.config)  # here, as every pytest process runs this file's hooks


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    global _postgres_problem
    if not any(item.get_closest_marker("postgresql") for item in items):
        return
    _postgres_problem = _postgres_reachable()
    if _postgres_problem is None:
        return
    if os.environ.get("PYTEST_REQUIRE_POSTGRES") == "1":
        raise pytest.UsageError(
            f"PostgreSQL at {make_url(POSTGRES_URL).render_as_string()} is required "
            f"(PYTEST_REQUIRE_POSTGRES=1) but cannot be reached: {_postgres_problem}"
        )
    kept = [item for item in items if not item.get_closest_marker("postgresql")]
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = kept


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _postgres_problem is not None:
        terminalreporter.write_sep(
            "!", "THE POSTGRESQL SUITE DID NOT RUN: " + _postgres_problem, red=True, bold=True
        )


def _worker_suffix(worker_id: str) -> str:
    return "main" if worker_id == "master" else worker_id


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'stabil.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgresql_engine(worker_id: str, testrun_uid: str) -> Iterator[Engine]:
    # Unique per run and worker: runs on one server at the same time never share a database.
    with postgresql_database(
        f"stabil_test_{testrun_uid[:8]}_{_worker_suffix(worker_id)}"
    ) as engine:
        yield engine


@contextmanager
def postgresql_database(name: str) -> Iterator[Engine]:
    """A new, migrated PostgreSQL database called `name`, dropped afterwards."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def engine(request: pytest.FixtureRequest) -> Engine:
    """A migrated database of each kind; tests using it run once per kind."""
    result: Engine = request.getfixturevalue(f"{request.param}_engine")
    return result


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with rolled_back_session(engine) as db:
        yield db


@contextmanager
def rolled_back_session(engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back at the end.

    Code under test may commit: with `create_savepoint` its commits end savepoints, never the
    outer transaction, so nothing a test writes outlives it.
    """
    with engine.connect() as connection:
        outer = connection.begin()
        db = Session(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield db
        finally:
            db.close()
            outer.rollback()


@cache
def _parsed(path: Path) -> tuple[Declaration, str]:
    """A shipped declaration, parsed once per test process: a thousand tests load it."""
    text = path.read_text(encoding="utf-8")
    return parse_declaration(text, path.name), text


@pytest.fixture
def services(session: Session) -> None:
    """Borger.dk's and the example's declarations loaded, as `stabil service load` does."""
    for path in (BORGER_DK, EXAMPLE):
        declaration, text = _parsed(path)
        store_declaration(session, declaration, text, path.name)
    session.commit()  # ends a savepoint only: a refused request must not undo this setup


@pytest.fixture
def frozen(request: pytest.FixtureRequest) -> Iterator[time_machine.Coordinates]:
    """Time stands still at the test module's `NOW` until the test moves it (`move_to`)."""
    instant = getattr(request.module, "NOW", None)
    if instant is None:
        raise pytest.UsageError(f"{request.module.__name__} uses `frozen` but defines no NOW")
    with time_machine.travel(instant, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cast(session: Session) -> Iterator[Cast]:
    """The named cast (see tests/cast.py) in the test's database, with cheap hashing."""
    with cheap_hashing():
        yield make_cast(session)


@pytest.fixture
def client(session: Session) -> Iterator[TestClient]:
    """The app, its requests using the test's session so that all they write is rolled back."""
    with client_of(reused_app(), session) as test_client:
        yield test_client


@contextmanager
def client_of(app: FastAPI, session: Session) -> Iterator[TestClient]:
    serve_from(app, session)
    try:
        with TestClient(app, raise_server_exceptions=False) as test_client:
            yield test_client
    finally:
        app.dependency_overrides.clear()


# What an app makes on its first request and keeps: sign-in counts, and limits bound to the
# event loop that each TestClient starts anew. A reused app forgets them between tests.
PER_CLIENT_STATE = ("password_checks", "sign_in_limits", "admission", "subscribe_limits")


def reused_app() -> FastAPI:
    """One app per set of settings for the tests of a process: an app resolves its routes on
    its first request, a tenth of a second that a thousand tests need not each pay."""
    settings = get_settings().model_dump_json()
    app = _APPS.get(settings)
    if app is None:
        app = _APPS[settings] = create_app()
    for name in PER_CLIENT_STATE:
        if hasattr(app.state, name):
            delattr(app.state, name)
    return app


_APPS: dict[str, FastAPI] = {}


def serve_from(app: FastAPI, session: Session) -> None:
    """Let every request of `app` work in `session`."""

    def request_session() -> Iterator[Session]:
        # Like the real unit of work: commit at the end of the request, roll back on error;
        # in a test's session both act on a savepoint inside the test's transaction.
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

    app.dependency_overrides[get_session] = request_session
    app.dependency_overrides[get_units] = lambda: SessionUnits(session)


class SessionUnits:
    """Units of work on the test's session, like `request_session` above."""

    def __init__(self, session: Session) -> None:
        self.session = session

    async def run(self, work: Callable[[Session], T], *, writes: bool) -> T:
        try:
            result = work(self.session)
            self.session.commit()
        except BaseException:
            self.session.rollback()
            raise
        return result


Stabil = Callable[..., Result]


def forget_configuration() -> None:
    """Let the next use read the settings, and so the database URL, again."""
    get_settings.cache_clear()
    get_engine.cache_clear()
    db_engine._session_factory.cache_clear()


@pytest.fixture
def stabil(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stabil]:
    """Runs `stabil ARGS...` in-process on a migrated SQLite database of its own."""
    monkeypatch.setenv("STABIL_DATABASE_URL", f"sqlite:///{tmp_path / 'stabil.db'}")
    forget_configuration()
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None) -> Result:
        return runner.invoke(cli_app, list(args), input=stdin, env={"COLUMNS": "200"})

    upgraded = run("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    yield run
    get_engine().dispose()
    forget_configuration()
