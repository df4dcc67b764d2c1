"""`stabil watch`: the prober on its own, for a machine apart from the worker's."""

from __future__ import annotations

import logging
import signal
from types import FrameType

from stabil.cli.worker import configure_logging
from stabil.db.engine import get_engine
from stabil.watch.prober import Prober, lock_for, run_prober


def watch() -> None:
    """Probe the HTTP, TCP and heartbeat monitors on their intervals, until SIGTERM or SIGINT.

    `stabil worker` and `stabil serve` do this too unless STABIL_WATCH_IN_WORKER=false; on
    PostgreSQL only one prober probes at a time, whichever runs it.
    """
    configure_logging()
    prober = Prober(lock=lock_for(get_engine()))

    def stop(signum: int, _frame: FrameType | None) -> None:
        logging.getLogger("stabil.watch.prober").info(
            "%s: stopping after the probes under way", signal.Signals(signum).name
        )
        prober.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    run_prober(prober)
