"""What every part of the plan shares: the seeded random source, the clock, and the script
the actions are written into."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from stabil.clock import Clock
from stabil.declaration import Declaration
from stabil.declaration.communication import MessageType
from stabil.declaration.priorities import PriorityKind
from stabil.demo.actions import Action, Op
from stabil.demo.timing import Timing


@dataclass(slots=True)
class Script:
    """The actions in the order the plan made them; the writer sorts them by time."""

    actions: list[Action] = field(default_factory=list)

    def add(self, at: dt.datetime, op: Op) -> None:
        self.actions.append(Action(at=at, order=len(self.actions), op=op))


@dataclass(slots=True)
class Context:
    declaration: Declaration
    clock: Clock
    rng: random.Random
    start: dt.datetime
    now: dt.datetime
    script: Script = field(default_factory=Script)
    counters: dict[str, int] = field(default_factory=dict)
    timing: Timing = field(init=False)

    def __post_init__(self) -> None:
        self.timing = Timing(self.rng, self.clock, self.declaration)

    @property
    def service(self) -> str:
        return self.declaration.key

    @property
    def levels(self) -> list[int]:
        """The incident priorities, most urgent first."""
        return sorted(
            item.level for item in self.declaration.priorities if item.kind is PriorityKind.incident
        )

    def is_major(self, level: int) -> bool:
        return (
            self.declaration.major_incidents is not None
            and level in self.declaration.major_priorities()
        )

    def declares(self, type_: MessageType) -> bool:
        return type_ in self.declaration.message_types()

    def count(self, kind: str) -> int:
        """1 the first time `kind` is counted, then 2, and so on."""
        self.counters[kind] = self.counters.get(kind, 0) + 1
        return self.counters[kind]

    def new_ref(self, kind: str) -> str:
        """A fresh reference for a record of `kind` (I, M, P, R)."""
        return f"{kind}{self.count(kind)}"

    def local_time(self, instant: dt.datetime) -> str:
        return f"{instant.astimezone(self.declaration.time.zone):%H:%M}"
