"""`stabil majors review`: the agenda of the review meeting (R9.8)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from stabil.accounts.service import add_organisation, add_user
from stabil.db.engine import unit_of_work
from stabil.desk import transitions
from stabil.desk.service import NewIncident, open_incident
from stabil.desk.suggestion import Impact
from tests.cast import cheap_hashing
from tests.conftest import BORGER_DK, Stabil

CPH = ZoneInfo("Europe/Copenhagen")


def test_agenda_lists_majors_with_review_status(stabil: Stabil) -> None:
    assert stabil("service", "load", str(BORGER_DK)).exit_code == 0
    with cheap_hashing(), unit_of_work() as session:
        add_organisation(session, "digst", "Digitaliseringsstyrelsen", "agency")
        add_organisation(session, "supplier-a", "Supplier A", "supplier")
        operator, _ = add_user(session, "op@example.org", "operator", "digst")
        detected = dt.datetime(2026, 4, 14, 10, tzinfo=CPH)
        new = NewIncident("borger-dk", "Borger.dk nede", "", Impact(users_affected_percent=90))
        major = open_incident(session, operator, new, now=detected)
        minor = NewIncident("borger-dk", "Stavefejl", "", Impact(users_affected_percent=1))
        open_incident(session, operator, minor, now=detected)
        transitions.hand_over(session, operator, major, party="supplier-a", now=detected)
        transitions.resolve(session, operator, major, now=detected + dt.timedelta(hours=2))
    result = stabil("majors", "review", "--since", "2026-04-01")
    assert result.exit_code == 0, result.output
    assert "Post Major Incident Review: major incidents since 2026-04-01" in result.stdout
    assert "BDK-2026-0001" in result.stdout
    assert "BDK-2026-0002" not in result.stdout
    assert "2026-04-28" in result.stdout  # due 14 days after the resolution
    later = stabil("majors", "review", "--since", "2026-05-01")
    assert later.stdout.strip().endswith("none")


def test_a_bad_date_is_refused(stabil: Stabil) -> None:
    result = stabil("majors", "review", "--since", "April")
    assert result.exit_code == 2
    assert "is not a date (write YYYY-MM-DD" in result.stderr
