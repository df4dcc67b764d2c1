"""Historical outages from CSV: local time of the declaration's zone, all or nothing, a bad
row named by its line and field (R3)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stabil.errors import Forbidden
from stabil.watch.imports import RowInvalid, import_outages, read_rows
from stabil.watch.models import StateInterval
from tests.cast import Cast

NOW = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
pytestmark = pytest.mark.usefixtures("services")
HEADER = "service,part,start,end,state,reason\n"
GOOD = (
    HEADER
    + "borger-dk,login,2026-03-10T10:00,2026-03-10T10:30,down,MitID-fejl (fra driftsloggen)\n"
    + "borger-dk,,2026-07-01T23:30:00+02:00,2026-07-02T03:00,degraded,Langsom forside\n"
    + "\n"
    + 'example-webservice,api,2026-08-01T00:00Z,2026-08-01T06:00Z,up,"Målt af det gamle system"\n'
)


def logged(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(StateInterval)) or 0


def test_a_file_is_imported_in_local_time_with_who_and_why(session: Session, cast: Cast) -> None:
    rows = read_rows(GOOD.encode())
    assert [row.line for row in rows] == [2, 3, 5]  # the blank line is skipped, still counted
    done: list[int] = []
    imported = import_outages(session, cast.operator.user, rows, NOW, done.append)
    assert (imported.rows, imported.logged, sum(done)) == (3, 4, 3)  # one crosses midnight UTC
    stored = session.scalars(select(StateInterval).order_by(StateInterval.start)).all()
    assert [(row.start, row.end, row.part, row.state) for row in stored] == [
        (utc(3, 10, 9), utc(3, 10, 9, 30), "login", "down"),  # CET: +01:00
        (utc(7, 1, 21, 30), utc(7, 2, 0), None, "degraded"),  # CEST: +02:00, to 01:00 UTC
        (utc(7, 2, 0), utc(7, 2, 1), None, "degraded"),
        (utc(8, 1, 0), utc(8, 1, 6), "api", "up"),
    ]
    assert {(row.source, row.recorded_by_id) for row in stored} == {
        ("import", cast.operator.user.id)
    }
    assert stored[0].reason == "MitID-fejl (fra driftsloggen)"
    with pytest.raises(RowInvalid) as again:
        import_outages(session, cast.admin.user, rows, NOW)
    assert str(again.value) == (
        "line 2, start: this outage is imported already (nothing was imported again)"
    )
    assert logged(session) == 4


def utc(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("borger-dk,login,2026-03-10 kl 10,2026-03-10T11:00,down,x", "line 3, start: "),
        ("borger-dk,login,2026-03-10T10:00,2026-03-10T09:00,down,x", "line 3, end: is not after"),
        ("borger-dk,login,2026-12-01T12:00,2026-12-01T14:00,down,x", "line 3, end: cannot be in"),
        ("nope,,2026-03-10T10:00,2026-03-10T11:00,down,x", "line 3, service: no service is"),
        ("borger-dk,kitchen,2026-03-10T10:00,2026-03-10T11:00,down,x", "line 3, part: 'kitchen'"),
        ("borger-dk,,2026-03-10T10:00,2026-03-10T11:00,broken,x", "line 3, state: is 'broken'"),
        ("borger-dk,,2026-03-10T10:00,2026-03-10T11:00,down,", "line 3, reason: is empty"),
        ("borger-dk,,2026-03-10T10:00,2026-03-10T11:00,down", "line 3, row: has 5 cells"),
        ("borger-dk,,2026-10-25T02:30,2026-10-25T04:00,down,x", "line 3, start: 2026-10-25T02:30 "),
    ],
)
def test_one_bad_row_refuses_the_file(session: Session, cast: Cast, line: str, says: str) -> None:
    first = "borger-dk,login,2026-03-09T10:00,2026-03-09T11:00,down,ok\n"
    data = (HEADER + first + line + "\n").encode()
    with pytest.raises(RowInvalid) as refused:
        import_outages(session, cast.admin.user, read_rows(data), NOW)
    assert str(refused.value).startswith(says), str(refused.value)
    assert logged(session) == 0


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"service,start,end,state,reason,colour\n", "line 1, header: colour is not a column"),
        (b"service,part,start,end,state\n", "line 1, header: lacks the column reason"),
        (HEADER.encode(), "line 1, file: holds no outages"),
        (b"", "line 1, header: the file is empty"),
        (HEADER.encode() + b"borger-dk,,\xe6\n", "line 2, file: is not UTF-8 text"),
    ],
)
def test_a_file_of_another_shape_is_refused(data: bytes, says: str) -> None:
    with pytest.raises(RowInvalid) as refused:
        read_rows(data)
    assert str(refused.value).startswith(says), str(refused.value)


def test_a_semicolon_file_with_a_bom_is_read_and_only_the_desk_imports(
    session: Session, cast: Cast
) -> None:
    text = (
        "\ufeffService;Part;Start;End;State;Reason\n"
        "borger-dk;;2026-03-09T10:00;2026-03-09T11:00;DOWN;Strømsvigt\n"
    )
    rows = read_rows(text.encode())
    assert rows[0].values["state"] == "DOWN"
    with pytest.raises(Forbidden):
        import_outages(session, cast.viewer.user, rows, NOW)
    assert import_outages(session, cast.admin.user, rows, NOW).logged == 1
