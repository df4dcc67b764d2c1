"""A change's kinds, risks and states (R12.1): requested, approved, scheduled, implemented and
reviewed; or rejected before approval, or failed once under way.

A step is named after the state it leads to, so the machine's actions are its states.
"""

from __future__ import annotations

from enum import StrEnum

from stabil.accounts.roles import WORK
from stabil.records.machine import Machine, becomes


class ChangeType(StrEnum):
    standard = "standard"  # pre-approved, done by a standardised method (R12.1)
    normal = "normal"  # assessed and approved before it is scheduled
    emergency = "emergency"  # urgent: approved at once, often with shorter notice


class Risk(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class ChangeState(StrEnum):
    requested = "requested"
    approved = "approved"
    scheduled = "scheduled"  # its time is fixed, with any windows it needs
    implemented = "implemented"
    reviewed = "reviewed"  # looked back on once implemented: done
    rejected = "rejected"
    failed = "failed"  # it went wrong and was rolled back by its fallback plan


State = ChangeState
MACHINE = Machine[ChangeState, ChangeState](
    [
        becomes(State.requested, State.approved, WORK),
        becomes(State.requested, State.rejected, WORK),
        becomes(State.approved, State.scheduled, WORK),
        becomes(State.scheduled, State.implemented, WORK),
        becomes(State.scheduled, State.failed, WORK),
        # Found to have failed only afterwards, e.g. when its effect is looked at.
        becomes(State.implemented, State.failed, WORK),
        becomes(State.implemented, State.reviewed, WORK),
    ],
)
# While a change's plan may still be changed, and its windows linked or unlinked.
PLANNING = (State.requested, State.approved)
OPEN_FOR_WINDOWS = (State.requested, State.approved, State.scheduled)
# The steps that need a note saying why.
EXPLAINED = (State.rejected, State.failed)
