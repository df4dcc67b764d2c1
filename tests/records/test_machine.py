"""The one transition mechanism: steps as data, one guard, and what a caller may do now."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import pytest

from stabil.accounts.models import User
from stabil.accounts.roles import WORK, Role
from stabil.desk.states import MACHINE as INCIDENTS
from stabil.desk.states import Action, State
from stabil.errors import Forbidden, TransitionNotAllowed
from stabil.problems.states import MACHINE as PROBLEMS
from stabil.problems.states import ProblemState
from stabil.records.machine import Machine, Step, becomes
from stabil.requests.states import MACHINE as REQUESTS
from stabil.requests.states import RequestState
from stabil.status.states import MACHINE as MESSAGES
from stabil.status.states import MessageAction, MessageState


def member(role: Role) -> User:
    return User(email=f"{role.value}@example.dk", role=role)


OPERATOR, SUPPLIER, AUTHORITY, VIEWER = map(
    member, (Role.operator, Role.supplier, Role.authority, Role.viewer)
)


def test_what_each_role_may_do_is_read_from_the_steps_in_their_order() -> None:
    assert INCIDENTS.allowed(State.handed_over, OPERATOR) == [
        Action.handed_over,
        Action.resolved,
        Action.cancelled,
    ]
    assert INCIDENTS.allowed(State.handed_over, SUPPLIER) == [Action.resolved]
    assert INCIDENTS.allowed(State.registered, AUTHORITY) == [Action.cancelled]
    assert INCIDENTS.allowed(State.handed_over, AUTHORITY) == []
    assert INCIDENTS.allowed(State.registered, VIEWER) == []
    assert INCIDENTS.allowed(State.closed, OPERATOR) == []
    # Nobody, such as a webhook's receiver, may do anything.
    assert MESSAGES.allowed(MessageState.open, None) == []


def test_a_step_leads_to_its_target_state() -> None:
    assert INCIDENTS.step(State.resolved, Action.reopened, OPERATOR, name="X") is State.handed_over
    assert MESSAGES.step(MessageState.open, MessageAction.update, OPERATOR, name="X") is (
        MessageState.open
    )
    closed = PROBLEMS.step(ProblemState.resolved, ProblemState.closed, OPERATOR, name="X")
    assert closed is ProblemState.closed


def test_a_step_the_state_does_not_allow_lists_only_what_the_caller_may_do() -> None:
    with pytest.raises(TransitionNotAllowed) as caught:
        INCIDENTS.step(State.handed_over, Action.closed, SUPPLIER, name="BDK-2026-0001")
    assert caught.value.allowed_transitions == ["resolved"]
    assert caught.value.payload() == {
        "detail": str(caught.value),
        "allowed_transitions": ["resolved"],
    }
    assert "BDK-2026-0001 is handed_over" in str(caught.value)
    with pytest.raises(TransitionNotAllowed) as again:
        REQUESTS.step(RequestState.submitted, RequestState.submitted, OPERATOR, name="SR-1")
    assert again.value.allowed_transitions == ["in_progress", "fulfilled", "rejected", "withdrawn"]


def test_a_step_the_role_may_not_take_is_forbidden_and_says_who_may() -> None:
    with pytest.raises(Forbidden, match=r"your role \(authority\).*who may: admin, operator"):
        INCIDENTS.step(State.handed_over, Action.cancelled, AUTHORITY, name="BDK-2026-0001")
    with pytest.raises(Forbidden, match="supplier"):
        REQUESTS.step(RequestState.submitted, RequestState.withdrawn, SUPPLIER, name="SR-1")


def test_the_guard_and_the_lists_agree_for_every_machine_state_and_role() -> None:
    machines: list[tuple[Any, type[StrEnum], type[StrEnum]]] = [
        (INCIDENTS, State, Action),
        (PROBLEMS, ProblemState, ProblemState),
        (REQUESTS, RequestState, RequestState),
        (MESSAGES, MessageState, MessageAction),
    ]
    for machine, states, actions in machines:
        for state in states:
            for role in Role:
                user = member(role)
                listed = machine.allowed(state, user)
                for action in actions:
                    try:
                        machine.step(state, action, user, name="X")
                    except (TransitionNotAllowed, Forbidden):
                        assert action not in listed, (state, action, role)
                    else:
                        assert action in listed, (state, action, role)


def test_a_step_is_declared_once() -> None:
    class Light(StrEnum):
        on = "on"
        off = "off"

    with pytest.raises(ValueError, match="declared twice"):
        Machine([becomes(Light.off, Light.on, WORK), becomes(Light.off, Light.on, WORK)])
    machine = Machine([Step(Light.off, Light.on, Light.on, WORK)])
    assert machine.allowed(Light.on, OPERATOR) == []
