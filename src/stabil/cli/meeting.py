"""`stabil meeting`: the declaration's meetings (R17, R9.8): list them with each forum's
schedule, plan one, and write a meeting's pack as HTML.

Times as in `stabil clock`: ISO 8601; without an offset, local time of the declaration's zone.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from stabil.catalog.service import declaration_of, version_named
from stabil.cli.common import fail, identifier, out
from stabil.cli.status import ServiceOption, status_unit
from stabil.cli.watch import AsOption, acting_user
from stabil.clock import ClockError
from stabil.clock.parsing import parse_instant
from stabil.db.types import now_utc
from stabil.meetings.pack import pack, pack_html, pack_pdf
from stabil.meetings.service import (
    NewMeeting,
    get_meeting,
    list_meetings,
    plan_meeting,
    schedule,
)

app = typer.Typer(
    help="Meetings of the declaration: the operations meeting (R17) and the review (R9.8).",
    no_args_is_help=True,
)
YearOption = Annotated[
    int | None,
    typer.Option("--year", min=1970, max=9998, help="A calendar year; default: this one."),
]


@app.command(name="list")
def list_command(service: ServiceOption, year: YearOption = None, as_user: AsOption = None) -> None:
    """The year's meetings in local time, then per forum each period: held, planned, due or
    missing."""
    with status_unit() as session:
        reader = acting_user(session, as_user)
        zone = declaration_of(version_named(session, service, now_utc().date())).time.zone
        shown = year or now_utc().astimezone(zone).year
        meetings = list_meetings(session, reader, service, year=shown)
        forums = schedule(session, reader, service, shown)
        table = Table(identifier("id"), "forum", "state", "start", "end", "title")
        for meeting in meetings:
            table.add_row(
                str(meeting.id),
                meeting.forum,
                meeting.state + (" (beyond the declared number)" if meeting.over_quota else ""),
                f"{meeting.starts_at.astimezone(zone):%Y-%m-%d %H:%M}",
                f"{meeting.ends_at.astimezone(zone):%H:%M}",
                meeting.title,
            )
        out.print(table)
        for item in forums:
            periods = ", ".join(f"{s.period.label()} {s.standing.value}" for s in item.slots)
            out.print(f"{item.forum.key} ({item.forum.rule}): {periods}", markup=False)


@app.command()
def plan(
    service: ServiceOption,
    forum: Annotated[
        str, typer.Option("--forum", help="operations_meeting (R17.1) or review_meeting (R9.8).")
    ],
    start: Annotated[str, typer.Option("--start", help="Start, ISO 8601.", show_default=False)],
    end: Annotated[
        str | None, typer.Option("--end", help="End; default: the declared duration later.")
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Default: the forum's name.")] = None,
    location: Annotated[str, typer.Option("--location", help="Where it is held.")] = "",
    invitee: Annotated[
        list[str] | None,
        typer.Option("--invitee", help="An address reminded besides the declared; repeat."),
    ] = None,
    as_user: AsOption = None,
) -> None:
    """Plan a meeting; its reminders go out 7 days and 1 day before."""
    with status_unit() as session:
        actor = acting_user(session, as_user)
        zone = declaration_of(version_named(session, service, now_utc().date())).time.zone
        try:
            starts_at = parse_instant(start, zone)
            ends_at = parse_instant(end, zone) if end is not None else None
        except ClockError as error:
            fail(str(error))
        new = NewMeeting(service, forum, starts_at, ends_at, title, location, invitee or [])
        meeting = plan_meeting(session, actor, new)
        flag = " (beyond the declared number a year: flagged)" if meeting.over_quota else ""
        label = (
            f"planned meeting {meeting.id}: {meeting.title}, "
            f"{meeting.starts_at.astimezone(zone):%Y-%m-%d %H:%M}-"
            f"{meeting.ends_at.astimezone(zone):%H:%M}{flag}"
        )
    out.print(label, markup=False)


@app.command(name="pack")
def pack_command(
    service: ServiceOption,
    meeting_id: Annotated[int, typer.Option("--id", min=1, help="The meeting's id.")],
    language: Annotated[str, typer.Option("--lang", help="da or en.")] = "da",
    output: Annotated[
        Path | None, typer.Option("--output", help="Write it here; default: stdout.")
    ] = None,
    form: Annotated[
        str, typer.Option("--format", help="html, or pdf (then to --output or a pipe).")
    ] = "html",
    as_user: AsOption = None,
) -> None:
    """The meeting's pack as one HTML document, or printed as a PDF."""
    if language not in ("da", "en"):
        fail(f"--lang {language!r} is not da or en")
    if form not in ("html", "pdf"):
        fail(f"--format {form!r} is not html or pdf")
    if form == "pdf" and output is None and sys.stdout.isatty():
        fail("a PDF is not for a terminal: give --output FILE, or pipe it")
    with status_unit() as session:
        reader = acting_user(session, as_user)
        found = pack(session, get_meeting(session, reader, service, meeting_id))
        body = pack_pdf(found, language) if form == "pdf" else pack_html(found, language).encode()
    if output is None:
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
        return
    output.write_bytes(body)
    out.print(f"wrote {output}", markup=False)
