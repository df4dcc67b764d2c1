"""`stabil serve`: the web app (API and pages), with the worker in the same process."""

from __future__ import annotations

import gc
import logging
import signal
import threading
import time
from types import FrameType
from typing import Annotated

import typer
import uvicorn

from stabil.cli.common import err
from stabil.cli.worker import configure_logging, plan_at_start
from stabil.db.engine import unit_of_work
from stabil.db.types import now_utc
from stabil.public.publish import publish_if_stale
from stabil.settings import get_settings
from stabil.watch.prober import ProberThread
from stabil.web.app import create_app
from stabil.web.public_http import PublicHttpProtocol
from stabil.worker.runner import Worker, load_handlers

WORKER_STOP_SECONDS = 30
# Requests still running at SIGTERM get this long to finish; then they are cancelled, their
# transactions rolled back, and the process ends whatever a client does.
REQUEST_STOP_SECONDS = 10

log = logging.getLogger("stabil.public")


def publish_at_start() -> None:
    """Publish the public site before the first request when the store is empty or older
    than the code, so that /status answers at once. A database that cannot be read (not
    migrated yet, restarting) does not stop the server: it serves what the store has."""
    began = time.perf_counter()
    try:
        with unit_of_work() as session:
            published = publish_if_stale(session, now_utc())
    except Exception:
        log.exception("the public site could not be published at start")
        err.print("warning: the public site could not be published at start", markup=False)
        return
    if published:
        took = time.perf_counter() - began
        err.print(f"published the public site in {took:.1f} s", markup=False)


def stop_worker_on_signals(runner: Worker | None) -> None:
    """Let SIGTERM and SIGINT stop the worker once uvicorn is done with them.

    Uvicorn handles both while it serves; when it has shut down, it raises the signal again
    with the handler it found, which would otherwise end the process mid-step (or, without a
    worker, end it with the signal instead of a clean exit).
    """

    def stop(_signum: int, _frame: FrameType | None) -> None:
        if runner is not None:
            runner.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on [default: 127.0.0.1].")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on [default: 8000].")] = None,
    worker: Annotated[
        bool,
        typer.Option(
            "--worker/--no-worker",
            help="Run the worker in this process too; --no-worker when `stabil worker` runs apart.",
        ),
    ] = True,
) -> None:
    """Serve the app: the REST API under /api/v1, its docs at /docs, and the pages."""
    settings = get_settings()
    publish_at_start()
    plan_at_start()
    runner = thread = prober = None
    if worker:
        configure_logging()
        load_handlers()
        runner = Worker()
        thread = threading.Thread(target=runner.run, name="stabil-worker", daemon=True)
        thread.start()
        if settings.watch_in_worker:
            prober = ProberThread().start()
    stop_worker_on_signals(runner)
    app = create_app()
    # What exists now lives as long as the process: the garbage collector need not walk it
    # again and again. Left to it, those walks cost a published page's answer a third of
    # its time (bench/status.py).
    gc.freeze()
    try:
        uvicorn.run(
            app,
            host=host or settings.host,
            port=port or settings.port,
            log_level=settings.log_level,
            access_log=settings.log_level in ("debug", "info"),
            http=PublicHttpProtocol,
            timeout_graceful_shutdown=REQUEST_STOP_SECONDS,
        )
    finally:
        if prober is not None:
            prober.stop()
        if runner is not None and thread is not None:
            runner.stop()
            thread.join(WORKER_STOP_SECONDS)
