"""The local mailbox makes its folders when it keeps the first mail, wherever the var directory
is, and reading one that is missing or half-made shows an empty mailbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.outbox.mailbox import list_mail, mailbox_path, read_mail
from stabil.outbox.models import DeliveryState
from stabil.settings import get_settings
from tests.cast import Cast
from tests.outbox.delivery_helpers import item, queue_mail, settings, worker
from tests.web.pages import sign_in


@pytest.fixture
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A var directory that does not exist: the database lives elsewhere (STABIL_DATABASE_URL)."""
    missing = tmp_path / "nowhere" / "var"
    monkeypatch.setenv("STABIL_VAR_DIR", str(missing))
    get_settings.cache_clear()
    yield missing
    get_settings.cache_clear()


def test_the_first_mail_makes_the_folders(
    client: TestClient, session: Session, cast: Cast, var_dir: Path
) -> None:
    assert not var_dir.exists()
    assert "Postkassen er tom." in sign_in(client, cast.admin, next="/admin/mailbox")
    mail_id = queue_mail(session, recipient="vagt@borger.example")
    worker(session, settings(var_dir)).run_once()
    stored = item(session, mail_id)
    assert (stored.state, stored.last_error) == (DeliveryState.sent, None)
    mails, total = list_mail(mailbox_path(var_dir), limit=10)
    assert (total, mails[0].to) == (1, "vagt@borger.example")
    assert "vagt@borger.example" in client.get("/admin/mailbox").text


@pytest.mark.parametrize("made", [[], ["mailbox"], ["mailbox", "mailbox/new"]])
def test_a_missing_or_half_made_mailbox_reads_as_empty(tmp_path: Path, made: list[str]) -> None:
    for folder in made:
        (tmp_path / folder).mkdir()
    assert list_mail(mailbox_path(tmp_path), limit=10) == ([], 0)
    assert read_mail(mailbox_path(tmp_path), "1234.M5P6Q7.host") is None
