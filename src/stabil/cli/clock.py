"""`stabil clock`: deadlines, elapsed service time, service periods and orientation deadlines.

Every answer is one line (explain: a few): an instant in the declaration's time zone with its
offset, a whole number of seconds, or a name. Every error is one line on standard error with
exit status 2; `batch` answers bad lines in place and exits with 1.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from stabil.cli.common import OneLineErrors, OneLineGroupErrors, declaration_or_fail, fail, out
from stabil.clock import Clock, ClockError, clock_for
from stabil.clock.parsing import format_instant, parse_instant
from stabil.clock.queries import answer_line, elapsed_seconds, orientation_due

BATCH_FAILED = 1


app = typer.Typer(
    help="Service time: deadlines, elapsed time, service periods and orientation deadlines.",
    no_args_is_help=True,
    cls=OneLineGroupErrors,
)

DeclarationFile = Annotated[
    Path, typer.Option("--declaration", help="A declaration file (YAML).", show_default=False)
]
Priority = Annotated[int, typer.Option("--priority", help="Priority, e.g. 1.", show_default=False)]
TimerName = Annotated[
    str, typer.Option("--target", help="A timer, e.g. reaction or resolution.", show_default=False)
]
_TIME = "ISO 8601; without an offset, local time of the declaration's time zone."
From = Annotated[str, typer.Option("--from", help=f"Start. {_TIME}", show_default=False)]


@app.command(cls=OneLineErrors)
def deadline(
    declaration: DeclarationFile, priority: Priority, target: TimerName, start: From
) -> None:
    """When a priority's target for a timer started at --from runs out (R7.1, R7.3)."""
    with _answering(declaration) as clock:
        due = clock.target_deadline(priority, target, _instant(clock, start))
        _say(format_instant(due, clock.zone))


@app.command(cls=OneLineErrors)
def elapsed(
    declaration: DeclarationFile,
    calendar: Annotated[
        str, typer.Option("--calendar", help="A calendar, e.g. primary.", show_default=False)
    ],
    start: From,
    end: Annotated[str, typer.Option("--to", help=f"End. {_TIME}", show_default=False)],
) -> None:
    """Whole seconds of a calendar's time from --from to --to (0 if --to is not later)."""
    with _answering(declaration) as clock:
        seconds = elapsed_seconds(clock, calendar, _instant(clock, start), _instant(clock, end))
        _say(str(seconds))


@app.command(cls=OneLineErrors)
def period(
    declaration: DeclarationFile,
    at: Annotated[str, typer.Option("--at", help=_TIME, show_default=False)],
) -> None:
    """The service period that holds an instant; ranges are half-open (R2.5)."""
    with _answering(declaration) as clock:
        _say(clock.period_at(_instant(clock, at)))


@app.command(cls=OneLineErrors)
def orientation(
    declaration: DeclarationFile,
    detected: Annotated[
        str, typer.Option("--detected", help=f"Detected at. {_TIME}", show_default=False)
    ],
    last_message: Annotated[
        str | None,
        typer.Option("--last-message", help=f"The last message, if any. {_TIME}"),
    ] = None,
) -> None:
    """When a major incident's first message is due, or the next update (R14.5)."""
    with _answering(declaration) as clock:
        last = _instant(clock, last_message) if last_message is not None else None
        due = orientation_due(clock, _instant(clock, detected), last)
        _say(format_instant(due, clock.zone))


@app.command(cls=OneLineErrors)
def explain(
    declaration: DeclarationFile, priority: Priority, target: TimerName, start: From
) -> None:
    """How a deadline is found: the time counted, and what was skipped and why."""
    with _answering(declaration) as clock:
        for line in clock.explain(priority, target, _instant(clock, start)).lines:
            _say(line)


@app.command(cls=OneLineErrors)
def batch(declaration: DeclarationFile) -> None:
    """Answer JSON lines from standard input, one JSON line out per line in, in order.

    {"op":"deadline","priority":1,"target":"reaction","from":T} gives {"deadline":T};
    {"op":"elapsed","calendar":"primary","from":T,"to":T} gives {"seconds":N};
    {"op":"period","at":T} gives {"period":"primary"};
    {"op":"orientation","detected":T}, optionally with "last_message":T, gives {"due":T}.
    A bad line gives {"error":"..."} and the rest go on; the exit status is then 1.
    """
    clock = _clock(declaration)
    failed = False
    for raw in typer.get_binary_stream("stdin"):
        # Decoded line by line, so that one line that is not UTF-8 fails alone.
        try:
            answer = answer_line(clock, raw.decode("utf-8"))
        except UnicodeDecodeError:
            answer = {"error": "the line is not UTF-8 text"}
        failed = failed or "error" in answer
        sys.stdout.write(_json(answer) + "\n")
    if failed:
        raise typer.Exit(BATCH_FAILED)


@contextmanager
def _answering(file: Path) -> Iterator[Clock]:
    """The file's clock; a ClockError in the block becomes one line on stderr, status 2."""
    clock = _clock(file)
    try:
        yield clock
    except ClockError as error:
        fail(str(error))


def _clock(file: Path) -> Clock:
    return clock_for(declaration_or_fail(file))


def _instant(clock: Clock, text: str) -> dt.datetime:
    return parse_instant(text, clock.zone)


def _say(line: str) -> None:
    out.print(line, markup=False)


def _json(answer: dict[str, Any]) -> str:
    return json.dumps(answer, ensure_ascii=False, separators=(",", ":"))
