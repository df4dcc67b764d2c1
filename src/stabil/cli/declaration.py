"""`stabil declaration`: check and show declaration files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from stabil.cli.common import USAGE_ERROR, err, out
from stabil.declaration import Declaration, DeclarationInvalid, load_declaration
from stabil.declaration.summary import describe_week, one_line, target_rows

app = typer.Typer(help="Check and show service declarations.", no_args_is_help=True)

Files = Annotated[list[Path], typer.Argument(help="Declaration files (YAML).", show_default=False)]


@app.command()
def check(files: Files) -> None:
    """Validate declarations: a summary line per valid file, every problem of the others.

    Problems are printed as FILE:LINE:COLUMN: field.path: what is wrong (what would be right).
    Exits with status 2 if any file has a problem.
    """
    failed = False
    for file in files:
        try:
            declaration = load_declaration(file)
        except DeclarationInvalid as invalid:
            failed = True
            for problem in invalid.problems:
                err.print(str(problem), markup=False)
            continue
        out.print(f"{file}: ok: {one_line(declaration)}", markup=False)
    if failed:
        raise typer.Exit(USAGE_ERROR)


@app.command()
def show(
    file: Annotated[Path, typer.Argument(help="A declaration file (YAML).", show_default=False)],
    language: Annotated[str, typer.Option(help="da or en.")] = "en",
) -> None:
    """Summarise a declaration: calendars, targets per priority, windows and goals."""
    try:
        declaration = load_declaration(file)
    except DeclarationInvalid as invalid:
        for problem in invalid.problems:
            err.print(str(problem), markup=False)
        raise typer.Exit(USAGE_ERROR) from None
    _show(declaration, "en" if language == "en" else "da")


def _show(declaration: Declaration, language: str) -> None:
    meta = declaration.metadata
    out.print(f"[bold]{meta.name.get(language)}[/bold]  {meta.service} version {meta.version}")
    out.print(f"Agency: {meta.agency.name.get(language)}  Effective: {meta.effective}")
    out.print(f"Time zone: {declaration.time.timezone}")
    out.print()
    patterns = declaration.week_patterns
    calendars = Table(title="Calendars", title_justify="left")
    calendars.add_column("calendar")
    calendars.add_column("hours")
    for name in declaration.time.calendar_names():
        periods = declaration.time.service_periods.periods
        label = f"{name} (service period)" if name in periods else name
        calendars.add_row(label, describe_week(patterns[name], language))
    out.print(calendars)
    targets = Table(title="Targets per priority", title_justify="left")
    targets.add_column("priority")
    for timer in declaration.timers:
        targets.add_column(timer)
    for row in target_rows(declaration, language):
        major = " (major)" if row.major else ""
        targets.add_row(f"{row.level} {row.name}{major}", *row.targets.values())
    out.print(targets)
    _show_goals(declaration)
    _show_windows(declaration, language)


def _show_goals(declaration: Declaration) -> None:
    goals = Table(title="Goals", title_justify="left")
    goals.add_column("goal")
    goals.add_column("period")
    for goal in declaration.goals.timers:
        how = "all priorities together" if goal.pooled else "per priority"
        levels = ", ".join(map(str, goal.priorities))
        goals.add_row(f"{goal.timer} met for {goal.met_percent:g} % ({how}: {levels})", goal.period)
    for average in declaration.goals.averages:
        levels = ", ".join(map(str, average.priorities))
        text = (
            f"average {average.timer} at most {average.average_minutes:g} min (priority {levels})"
        )
        goals.add_row(text, average.period)
    if declaration.availability:
        for target in declaration.availability.targets:
            goals.add_row(
                f"availability {target.percent:g} % in {target.calendar}",
                declaration.availability.period,
            )
    out.print(goals)


def _show_windows(declaration: Declaration, language: str) -> None:
    if not declaration.service_windows:
        return
    windows = Table(title="Service windows", title_justify="left")
    for column in ("kind", "length", "per year", "allowed", "notice"):
        windows.add_column(column)
    patterns = declaration.week_patterns
    for kind in declaration.service_windows.kinds:
        windows.add_row(
            f"{kind.key}{'' if kind.planned else ' (unplanned)'}",
            f"{kind.max_minutes / 60:g} h",
            "-" if kind.per_year is None else str(kind.per_year),
            describe_week(patterns[kind.allowed_in], language),
            f"{kind.notice_days} calendar days",
        )
    out.print(windows)
