"""Migration 0007 keeps every incident and its history, on both databases.

On SQLite it rebuilds the incidents table, which other tables refer to; the rows must come
back whole and the foreign keys must still hold and still be enforced.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stabil.accounts.service import add_organisation, add_user
from stabil.catalog.service import load_declaration_text
from stabil.db.migrate import alembic_config, upgrade
from stabil.desk.models import Escalation, Incident, IncidentEvent, IncidentTimer
from stabil.desk.service import NewIncident, open_incident
from stabil.desk.suggestion import Impact
from tests.cast import cheap_hashing
from tests.conftest import BORGER_DK
from tests.worker.processes import fresh_postgresql, fresh_sqlite

BEFORE = "0007_note_visibility"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def before(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database at the revision before 0008, with two incidents in it."""
    if request.param == "sqlite":
        _, engine = fresh_sqlite(tmp_path, BEFORE)
        _fill(engine)
        yield engine
        engine.dispose()
        return
    with fresh_postgresql(BEFORE) as (_, engine):
        _fill(engine)
        yield engine


def _fill(engine: Engine) -> None:
    with cheap_hashing(), Session(engine) as session:
        load_declaration_text(session, BORGER_DK.read_text(encoding="utf-8"), "borger-dk.yaml")
        add_organisation(session, "digst", "Digitaliseringsstyrelsen", "agency")
        operator, _ = add_user(session, "op@example.org", "operator", "digst")
        for share in (30.0, 2.0):
            new = NewIncident(
                "borger-dk", "Log-in fejler", "", Impact(users_affected_percent=share)
            )
            open_incident(session, operator, new)
        session.commit()


def _counts(session: Session) -> tuple[int | None, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (Incident, IncidentEvent, IncidentTimer)
    )


def test_upgrade_and_downgrade_keep_the_incidents(before: Engine) -> None:
    with Session(before) as session:
        counts = _counts(session)
    upgrade(before)
    with Session(before) as session:
        assert _counts(session) == counts
        shares = session.scalars(select(Incident.users_affected_percent).order_by(Incident.id))
        assert list(shares) == [30.0, 2.0]
        session.execute(
            update(Incident).where(Incident.number == 2).values(users_affected_percent=None)
        )
        assert session.scalars(select(Escalation.withdrawn_at)).all() == []
        session.commit()
    if before.dialect.name == "sqlite":
        with before.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
    with Session(before) as session, pytest.raises(IntegrityError):
        session.execute(update(IncidentEvent).values(incident_id=999_999))
    command.downgrade(alembic_config(before), BEFORE)
    with before.connect() as connection:
        rows = connection.execute(text("SELECT users_affected_percent FROM incidents ORDER BY id"))
        assert [share for (share,) in rows] == [30.0, 0.0]  # not given: 0 %, as before
