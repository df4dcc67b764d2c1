"""`stabil demo`: an empty database filled with a realistic history, to look at."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from stabil.accounts.service import NewPassword, new_password
from stabil.accounts.validation import AccountInvalid
from stabil.cli.common import err, fail, out
from stabil.db.engine import unit_of_work
from stabil.db.types import now_utc
from stabil.demo import service as demo_service
from stabil.demo.mail import deliver_history, due_mail
from stabil.demo.people import DEMO_PASSWORD
from stabil.demo.service import Summary, credentials
from stabil.demo.writer import PlanRefused
from stabil.errors import Refusal
from stabil.settings import get_settings

DEFAULT_SEED = 2015
MAX_MONTHS = 36


def demo(
    service: Annotated[str, typer.Option("--service", help="The service's key, e.g. borger-dk.")],
    months: Annotated[
        int, typer.Option(min=1, max=MAX_MONTHS, help="How many months of history, up to now.")
    ] = 12,
    seed: Annotated[
        int, typer.Option(help="Seed of the history: the same seed and --now give the same one.")
    ] = DEFAULT_SEED,
    now: Annotated[
        str | None,
        typer.Option(
            "--now", help="Where the history ends, ISO 8601 with an offset; default: now."
        ),
    ] = None,
    password: Annotated[
        str, typer.Option(help="The password of every demo user (12 characters or more).")
    ] = DEMO_PASSWORD,
) -> None:
    """Fill an empty database with a seeded history of a service, and print how to sign in.

    Incidents of every priority, hand-overs and resolutions mostly within their targets and
    some late, reopenings, cancelled reports, major incidents with their messages and
    post-review reports, problems, known errors and service requests, written through the
    same service functions the API calls, with the worker's jobs run as they came due.
    Some incidents are still open, one past its deadline. The last whole month (with
    --months 2 or more) has something in every section of its compliance report: each
    priority met and missed, majors reviewed on time, late and never, messages on time and
    late, outages and slow spells in primary and secondary service time, a window announced
    in time and one too late, releases with and without an interface change's notice, and
    the declared forums' meetings held, with their minutes and actions.
    The history's mail is delivered to the local mailbox, never over SMTP, and the demo
    refuses to run while STABIL_SMTP_HOST is set: the mail is addressed to the
    declaration's contacts.

    The demo users are one per role and a few more, all with the same password, printed at
    the end. `make demo` runs this for Borger.dk on var/demo.db, then serves the app.

    The demo refuses a database that holds anything it did not make, and writes nothing
    there. On its own database it says that the history is there already and changes
    nothing: delete the database to make a new one.
    """
    end = _end(now)
    if get_settings().smtp_host:
        fail(
            "STABIL_SMTP_HOST is set, but the demo's mail is addressed to the declaration's "
            "contacts, which are real mailboxes: unset it, so that the mail goes to the "
            "local mailbox"
        )
    try:
        hashed = new_password(password)
    except AccountInvalid as error:
        fail(str(error))
    summary = _fill(service, months, seed, end, hashed)
    if summary is None:
        out.print("The demo's history is in this database already; nothing was changed.")
        out.print("Delete the database to make a new one.")
    else:
        _tell(summary)
    _sign_in(password)


def _end(text: str | None) -> dt.datetime:
    if text is None:
        return now_utc().replace(microsecond=0)
    try:
        end = dt.datetime.fromisoformat(text)
    except ValueError:
        fail(f"--now {text!r} is not an ISO 8601 instant (e.g. 2026-03-02T10:00:00+01:00)")
    if end.tzinfo is None:
        fail(f"--now {text!r} has no offset (add one, e.g. +01:00 or Z)")
    if end > now_utc():
        fail(f"--now {text!r} lies in the future; a history ends at the latest now")
    return end.astimezone(dt.UTC)


def _bar() -> Progress:
    columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn())
    return Progress(*columns, TimeElapsedColumn(), console=err, transient=True)


def _fill(
    service: str, months: int, seed: int, end: dt.datetime, hashed: NewPassword
) -> Summary | None:
    with _bar() as bar:
        task = bar.add_task("Writing the history", total=None)
        progress = demo_service.Progress(
            start=lambda total: bar.update(task, total=total),
            advance=lambda: bar.advance(task),
        )
        try:
            with unit_of_work() as session:
                return demo_service.fill(
                    session,
                    service=service,
                    months=months,
                    seed=seed,
                    end=end,
                    password=hashed,
                    progress=progress,
                )
        except (Refusal, PlanRefused) as error:
            fail(str(error))


def _deliver() -> tuple[int, Path]:
    with _bar() as bar:
        task = bar.add_task("Delivering its mail", total=due_mail())
        return deliver_history(get_settings(), lambda tried: bar.advance(task, tried))


def _tell(summary: Summary) -> None:
    priorities = ", ".join(f"P{level} {count}" for level, count in summary.priorities.items())
    out.print(
        f"Wrote the history from {summary.start:%Y-%m-%d %H:%M} to {summary.end:%Y-%m-%d %H:%M}"
        f" UTC: {summary.actions} actions, {summary.jobs} jobs run by the worker.",
        markup=False,
    )
    for name, count in summary.counts.items():
        out.print(f"  {name}: {count}", markup=False)
    out.print(f"  incidents by priority: {priorities}", markup=False)
    delivered, mailbox = _deliver()
    out.print(f"  e-mails delivered to the local mailbox {mailbox}: {delivered}", markup=False)


def _sign_in(password: str) -> None:
    login = f"{get_settings().public_url.rstrip('/')}/login"  # where `stabil serve` is reached
    table = Table("role", "email", "password", title=f"Sign in at {login} as")
    for role, email in credentials():
        table.add_row(role.value, email, password)
    out.print(table)
    out.print("Every demo user has this password; `stabil user list` lists them all.")
