"""A short grace after registration for what was already due when an incident was entered.

An incident is often entered after the fact: detected at 09:55, registered at 10:10, and the
hand-over at 10:10 recorded a moment later. Its reaction time was already used up when it was
registered, so an escalation would go out between the two entries, for a timer that then
shows met. Work whose moment had come by registration therefore waits until the grace
(STABIL_ESCALATION_GRACE_SECONDS) has passed; it is checked against the facts when it runs.
"""

from __future__ import annotations

import datetime as dt

from stabil.desk.models import Incident
from stabil.settings import get_settings


def after_grace(incident: Incident, run_at: dt.datetime) -> dt.datetime:
    """When a job planned for `run_at` may run: at once, unless that is before registration."""
    if run_at > incident.registered_at:
        return run_at
    grace = dt.timedelta(seconds=get_settings().escalation_grace_seconds)
    return max(run_at, incident.registered_at + grace)
