"""What every source of state calls: a monitor's new state, confirmed, and what follows."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from stabil.watch.confirm import Confirmed
from stabil.watch.incidents import follow
from stabil.watch.models import Monitor
from stabil.watch.recording import change_state
from stabil.watch.states import Source


def confirm(
    session: Session, monitor: Monitor, confirmed: Confirmed, source: Source, now: dt.datetime
) -> None:
    """The monitor is in `confirmed.state` from `confirmed.since`: the interval it was in is
    logged, and the desk hears of an outage or of the recovery from one."""
    previous = change_state(session, monitor, confirmed, source, now)
    follow(session, monitor, previous, now)
