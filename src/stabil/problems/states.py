"""Problem states: open until the root cause is known, a known error while only worked around.

A step is named after the state it leads to, so the machine's actions are its states.
"""

from __future__ import annotations

from enum import StrEnum

from stabil.accounts.roles import WORK
from stabil.records.machine import Machine, becomes


class ProblemState(StrEnum):
    open = "open"  # being analysed
    known_error = "known_error"  # root cause or work-around documented, not yet fixed
    resolved = "resolved"  # fixed for good
    closed = "closed"


MACHINE = Machine[ProblemState, ProblemState](
    [
        becomes(ProblemState.open, ProblemState.known_error, WORK),
        becomes(ProblemState.open, ProblemState.resolved, WORK),
        becomes(ProblemState.known_error, ProblemState.resolved, WORK),
        becomes(ProblemState.resolved, ProblemState.closed, WORK),
        # The fix did not hold: back to open.
        becomes(ProblemState.resolved, ProblemState.open, WORK),
    ],
)
