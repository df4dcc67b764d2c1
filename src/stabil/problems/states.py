"""Problem states: open until the root cause is known, a known error while only worked around."""

from __future__ import annotations

from enum import StrEnum


class ProblemState(StrEnum):
    open = "open"  # being analysed
    known_error = "known_error"  # root cause or work-around documented, not yet fixed
    resolved = "resolved"  # fixed for good
    closed = "closed"


ALLOWED: dict[ProblemState, tuple[ProblemState, ...]] = {
    ProblemState.open: (ProblemState.known_error, ProblemState.resolved),
    ProblemState.known_error: (ProblemState.resolved,),
    # The fix did not hold: back to open.
    ProblemState.resolved: (ProblemState.closed, ProblemState.open),
    ProblemState.closed: (),
}


def allowed_states(state: ProblemState) -> tuple[ProblemState, ...]:
    return ALLOWED[state]
