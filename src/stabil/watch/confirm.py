"""From single probe outcomes to a confirmed state (pure: no database, no clock).

One failed probe is not an outage: the state turns `down` (or `degraded`) only after
`fail_after` consecutive probes said so, and `up` again only after `recover_after` good ones.
The new state starts at the first probe of the run that confirmed it, not at the last: an
outage began when the service stopped answering, not when it was believed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from stabil.watch.states import State


@dataclass(frozen=True, slots=True)
class Observation:
    """What one probe (or one call, or one alert) said at an instant."""

    at: dt.datetime
    outcome: State  # up, degraded or down
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Confirmed:
    """A new state, from `since`, with the evidence of the probe that started it."""

    state: State
    since: dt.datetime
    evidence: dict[str, Any]


@dataclass(slots=True)
class Tracker:
    """The confirmed state of one monitor, and the run of outcomes that may change it."""

    state: State
    fail_after: int = 3
    recover_after: int = 2
    _run: list[Observation] = field(default_factory=list)

    def needed(self, outcome: State) -> int:
        if outcome is State.up:
            # After a gap there is nothing to recover from: one good probe is data enough.
            return 1 if self.state is State.unknown else self.recover_after
        return self.fail_after

    def observe(self, observation: Observation) -> Confirmed | None:
        """Take one outcome; the new state when it confirms one, else None."""
        if observation.outcome is self.state:
            self._run.clear()
            return None
        if self._run and self._run[0].outcome is not observation.outcome:
            self._run.clear()
        self._run.append(observation)
        if len(self._run) < self.needed(observation.outcome):
            return None
        first = self._run[0]
        self._run.clear()
        self.state = first.outcome
        return Confirmed(first.outcome, first.at, first.evidence)

    @property
    def pending(self) -> int:
        """How many outcomes of the current run have been seen without confirming it yet."""
        return len(self._run)
