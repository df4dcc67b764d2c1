"""`stabil majors`: the major incidents and their post-review reports."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from stabil.cli.common import fail, out
from stabil.db.engine import unit_of_work
from stabil.desk.review import review_agenda

app = typer.Typer(help="Major incidents and their reviews.", no_args_is_help=True)


@app.command()
def review(
    since: Annotated[str, typer.Option(help="First day, YYYY-MM-DD (local time, UTC).")],
    service: Annotated[str | None, typer.Option(help="Only this service.")] = None,
) -> None:
    """The agenda of the review meeting (R9.8): each major incident since a day, with the
    status of its post-review report and its open actions."""
    try:
        day = dt.date.fromisoformat(since)
    except ValueError:
        fail(f"--since {since!r} is not a date (write YYYY-MM-DD, e.g. 2026-03-01)")
    start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    with unit_of_work(writes=False) as session:
        items = review_agenda(session, start, service)
    out.print(f"Post Major Incident Review: major incidents since {day.isoformat()}")
    if not items:
        out.print("none")
        return
    for item in items:
        due = f" (due {item.due_at:%Y-%m-%d})" if item.due_at else ""
        out.print(
            f"- {item.key} {item.title}\n"
            f"  detected {item.detected_at:%Y-%m-%d %H:%M} UTC, {item.state}; "
            f"report: {item.review}{due}",
            markup=False,
        )
        for action in item.open_actions:
            out.print(f"  open action: {action}", markup=False)
