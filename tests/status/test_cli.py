"""`stabil subscriber` and `stabil webhook`, in-process against a fresh SQLite database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import select
from typer.testing import CliRunner

from stabil.catalog.service import load_declaration_text
from stabil.cli.main import app
from stabil.db import engine as db_engine
from stabil.db.engine import get_engine, unit_of_work
from stabil.db.migrate import upgrade
from stabil.settings import get_settings
from stabil.subscriptions.models import Subscriber, WebhookRegistration
from tests.conftest import BORGER_DK

Stabil = Callable[..., Result]
runner = CliRunner()


def forget_configuration() -> None:
    get_settings.cache_clear()
    get_engine.cache_clear()
    db_engine._session_factory.cache_clear()


@pytest.fixture
def stabil(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stabil]:
    """Runs `stabil ARGS...` on a migrated database of its own, with Borger.dk loaded."""
    monkeypatch.setenv("STABIL_DATABASE_URL", f"sqlite:///{tmp_path / 'stabil.db'}")
    forget_configuration()
    upgrade(get_engine())
    with unit_of_work() as session:
        load_declaration_text(session, BORGER_DK.read_text(encoding="utf-8"), BORGER_DK.name)

    def run(*args: str, stdin: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=stdin, env={"COLUMNS": "200"})

    yield run
    get_engine().dispose()
    forget_configuration()


def refused(result: Result, message: str) -> None:
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"error: {message}\n"


def test_subscribers_are_added_listed_and_removed(stabil: Stabil) -> None:
    added = stabil("subscriber", "add", "--service", "borger-dk", "--email", "IT@Aarhus.example")
    assert added.stdout == "subscribed it@aarhus.example to borger-dk (id 1)\n"
    listed = stabil("subscriber", "list", "--service", "borger-dk")
    rows = [line.split("│") for line in listed.stdout.splitlines() if "@" in line]
    assert [cell.strip() for cell in rows[0][1:5]] == ["1", "borger-dk", "it@aarhus.example", "yes"]
    refused(
        stabil("subscriber", "add", "--service", "borger-dk", "--email", "it@aarhus.example"),
        "it@aarhus.example subscribes to borger-dk already",
    )
    refused(
        stabil("subscriber", "add", "--service", "nowhere", "--email", "a@example.org"),
        "service: no service is named 'nowhere' (known: borger-dk)",
    )
    assert (
        stabil("subscriber", "remove", "1").stdout == "removed it@aarhus.example from borger-dk\n"
    )
    refused(stabil("subscriber", "remove", "1"), "no subscriber has id 1")
    with unit_of_work() as session:
        assert session.scalars(select(Subscriber)).all() == []


def test_a_webhook_shows_its_generated_secret_once(stabil: Stabil) -> None:
    result = stabil(
        "webhook",
        "add",
        "--service",
        "borger-dk",
        "--url",
        "https://hooks.example.org/in",
        "--event",
        "message.posted",
        "--event",
        "message.resolved",
    )
    assert result.exit_code == 0, result.output
    added, shown = result.stdout.splitlines()
    assert added == (
        "added webhook 1 for borger-dk: https://hooks.example.org/in "
        "(message.posted, message.resolved)"
    )
    secret = shown.removeprefix("secret (shown only now): ")
    with unit_of_work() as session:
        assert session.scalars(select(WebhookRegistration.secret)).one() == secret
    listed = stabil("webhook", "list").stdout
    assert "https://hooks.example.org/in" in listed
    assert secret not in listed
    assert stabil("webhook", "remove", "1").stdout == (
        "removed webhook 1 (https://hooks.example.org/in)\n"
    )


def test_a_webhook_secret_can_come_from_stdin(stabil: Stabil) -> None:
    args = ("webhook", "add", "--service", "borger-dk", "--url", "http://10.1.2.3/hook")
    result = stabil(*args, "--secret-stdin", stdin="a-secret-of-twenty-chars\n")
    assert result.stdout.count("\n") == 1
    with unit_of_work() as session:
        assert session.scalars(select(WebhookRegistration.secret)).one() == (
            "a-secret-of-twenty-chars"
        )
    refused(
        stabil(*args, "--secret-stdin", stdin="short\n"),
        "secret: give 16 to 200 characters, or none to have one made",
    )


def test_bad_webhooks_are_refused(stabil: Stabil) -> None:
    refused(
        stabil("webhook", "add", "--service", "borger-dk", "--url", "ftp://example.org/x"),
        "url: must be an http:// or https:// address, not ftp: (e.g. https://host/path)",
    )
    bad_event = stabil(
        "webhook", "add", "--service", "borger-dk", "--url", "https://e.org", "--event", "x"
    )
    assert bad_event.exit_code == 2
    assert stabil("webhook", "remove", "0").exit_code == 2
    with unit_of_work() as session:
        assert session.scalars(select(WebhookRegistration)).all() == []
