"""`stabil worker`: run due work from the database (jobs, outbox delivery)."""

from __future__ import annotations

import logging
import signal
import sys
from types import FrameType
from typing import Annotated

import typer

from stabil.cli.common import fail, out
from stabil.db.engine import unit_of_work
from stabil.db.types import now_utc
from stabil.reports.delivery import plan_deliveries
from stabil.settings import get_settings
from stabil.watch.prober import ProberThread
from stabil.worker.runner import Worker, load_handlers


def configure_logging() -> None:
    """Stabil's own log lines on standard error, at the configured level."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("stabil")
    if not logger.handlers:
        logger.addHandler(handler)
    logger.setLevel(get_settings().log_level.upper())


def worker(
    once: Annotated[
        bool, typer.Option("--once", help="Do the work that is due now, then exit.")
    ] = False,
    imports: Annotated[
        list[str] | None,
        typer.Option(
            "--import",
            metavar="MODULE",
            help="Also import MODULE at start, for the job handlers it registers (repeatable).",
        ),
    ] = None,
) -> None:
    """Run due work from the database: timers, reminders, outbox delivery, and the prober.

    Runs until SIGTERM or SIGINT (the current step finishes first). Workers may share a database.
    The prober runs beside the work unless STABIL_WATCH_IN_WORKER=false.
    """
    configure_logging()
    try:
        load_handlers(imports or ())
    except ImportError as error:
        fail(f"cannot import {error.name or error}: {error}")
    plan_at_start()
    runner = Worker()
    if once:
        progress = runner.run_once()
        out.print(f"ran {progress.jobs} jobs, tried {progress.notifications} notifications")
        return

    def stop(signum: int, _frame: FrameType | None) -> None:
        logging.getLogger("stabil.worker").info(
            "%s: stopping after the current step", signal.Signals(signum).name
        )
        runner.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    prober = ProberThread().start() if get_settings().watch_in_worker else None
    try:
        runner.run()
    finally:
        if prober is not None:
            prober.stop()


def plan_at_start() -> None:
    """Plan the reports' next deliveries, which a declaration loaded before this version, or
    a delivery that failed for good, may have left unplanned. A database that cannot be read
    yet (not migrated) does not stop the worker."""
    try:
        with unit_of_work() as session:
            plan_deliveries(session, now_utc())
    except Exception:
        logging.getLogger("stabil.worker").exception("the reports' deliveries were not planned")
