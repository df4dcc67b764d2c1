"""A record's states and the steps between them, declared as data, and the one guard.

Each step is (from state, action, to state, who may). Every machine is by action: where a
domain's steps are simply "become this state" (problems, service requests), its actions are
its states. From the one table come the guard of every step and the `allowed_transitions`
each record shows its reader, so that a listed step is never refused and a refused one is
never listed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from stabil.accounts.models import Role, User
from stabil.errors import Forbidden, Names, Phrase, TransitionNotAllowed

S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class Step(Generic[S, A]):
    source: S
    action: A
    target: S
    who: frozenset[Role]  # the roles that may take it; what they may see is the domain's rule


def becomes(source: S, target: S, who: frozenset[Role]) -> Step[S, S]:
    """A step named after the state it leads to, for machines whose actions are their states."""
    return Step(source, target, target, who)


class Machine(Generic[S, A]):
    """The steps of one kind of record, in the order they are listed to a reader."""

    def __init__(self, steps: Iterable[Step[S, A]]) -> None:
        self._steps: dict[tuple[S, A], Step[S, A]] = {}
        for step in steps:
            if (step.source, step.action) in self._steps:
                raise ValueError(f"{step.action.value} from {step.source.value} is declared twice")
            self._steps[step.source, step.action] = step

    def allowed(self, state: S, user: User | None) -> list[A]:
        """What `user` may do from `state`; nobody (None) may do anything."""
        if user is None:
            return []
        return [
            action
            for (source, action), step in self._steps.items()
            if source == state and user.role in step.who
        ]

    def step(self, state: S, action: A, user: User | None, *, name: str | Phrase) -> S:
        """The state `action` leads `name` to, when the state allows it and `user` may take it.

        Refused with 409 and what `user` may do instead when the state does not allow it, and
        with 403 naming who may when the state allows it but not for this user. No user (None)
        is the system acting when the declaration says so (the worker at a window's planned
        start): only the state guards its steps.
        """
        found = self._steps.get((state, action))
        if found is None:
            mine = [item.value for item in self.allowed(state, user)]
            raise TransitionNotAllowed(
                "{name} is {state}, which does not allow {action}; allowed for you now: {allowed}",
                mine,
                name=name,
                state=state.value,
                action=action.value,
                allowed=Names(mine) if mine else "nothing",
            )
        if user is not None and user.role not in found.who:
            raise Forbidden(
                "your role ({role}) may not make {name} {action} from {state} (who may: {who})",
                role=user.role.value,
                name=name,
                action=found.action.value,
                state=state.value,
                who=Names(role.value for role in sorted(found.who)),
            )
        return found.target
