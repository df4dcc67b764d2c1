"""The user interface is complete in Danish: every text of every page and every refusal the
pages can show has its Danish translation (English is the message id itself)."""

from __future__ import annotations

import re
from enum import StrEnum
from string import Formatter

import pytest
from starlette.requests import Request

from stabil.accounts.models import User
from stabil.accounts.roles import OrganisationKind, Role
from stabil.changes.states import ChangeState, ChangeType, Risk
from stabil.declaration.communication import MessageType
from stabil.declaration.operations import ShorterNoticeReason
from stabil.desk.states import MACHINE as INCIDENTS
from stabil.desk.states import Action, State
from stabil.errors import Forbidden, Invalid, Refusal, TransitionNotAllowed
from stabil.meetings.states import ActionState, MeetingState, MeetingStep
from stabil.outbox.models import DeliveryState
from stabil.problems.states import ProblemState
from stabil.releases.states import ReleaseAction, ReleaseState
from stabil.requests.states import RequestState
from stabil.status.access import check_step
from stabil.status.models import Message as OperationalMessage
from stabil.status.states import MessageAction, MessageState
from stabil.web.i18n import PACKAGE_DIR, catalogue_files, translations
from stabil.web.pages import problem_of
from stabil.windows.states import WindowAction, WindowState
from tests.translations import (
    Message,
    all_messages,
    page_texts,
    refusal_messages,
    untranslated,
)


def test_the_extraction_finds_the_pages_texts() -> None:
    ids = {message.msgid for message in all_messages()}
    assert {"Sign in", "Change password", "Incidents"} <= ids


def test_every_page_text_has_its_danish_translation() -> None:
    missing = untranslated("da", page_texts())
    listing = "\n".join(f"{m.where}: {m.msgid!r}" for m in missing)
    assert not missing, (
        f"{len(missing)} texts lack Danish (python -m tests.translations prints them as .po "
        f"entries):\n{listing}"
    )


def test_role_names_are_translated() -> None:
    danish = translations("da")
    assert all(danish.gettext(role.value) != role.value for role in Role)


def test_no_refusal_is_built_at_run_time() -> None:
    """A message built at run time (an f-string, a variable) cannot be in a catalogue."""
    built = [m for m in refusal_messages() if m.msgid.startswith("<built at run time")]
    assert not built, "\n".join(f"{m.where}: {m.msgid}" for m in built)


def test_every_refusal_has_its_danish_translation() -> None:
    messages = list(refusal_messages())
    assert len(messages) > 60  # the extraction finds the refusals of every domain
    missing = untranslated("da", messages)
    listing = "\n".join(f"{m.where}: {m.msgid!r}" for m in missing)
    assert not missing, f"{len(missing)} refusals lack Danish:\n{listing}"


def test_a_refusals_danish_uses_only_the_values_it_is_given() -> None:
    """A value the English does not name would fail the page that shows the refusal."""
    danish = translations("da")
    wrong = [
        (message.msgid, text)
        for message in refusal_messages()
        if not _names(text := danish.gettext(message.msgid)) <= _names(message.msgid)
    ]
    assert not wrong


def _names(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name is not None}


NAMED = (
    State,
    Action,
    ProblemState,
    RequestState,
    MessageState,
    MessageAction,
    WindowState,
    WindowAction,
    ReleaseState,
    ReleaseAction,
    ChangeState,
    MeetingState,
    MeetingStep,
    ActionState,
)


@pytest.mark.parametrize(
    "names",
    [
        *NAMED,
        MessageType,
        DeliveryState,
        OrganisationKind,
        ShorterNoticeReason,
        ChangeType,
        Risk,
    ],
    ids=lambda e: e.__name__,
)
def test_the_names_a_refusal_gives_are_translated(names: type[StrEnum]) -> None:
    """A page translates the state, step, type or kind a refusal names (stabil.web.pages)."""
    missing = untranslated("da", [Message(item.value, None, names.__name__) for item in names])
    assert not missing


def danish_request() -> Request:
    return Request({"type": "http", "query_string": b"", "headers": []})


def refused(call: object) -> Refusal:
    assert callable(call)
    with pytest.raises(Refusal) as caught:
        call()
    return caught.value


def test_a_refused_step_reads_in_danish_with_its_states_and_steps() -> None:
    supplier = User(email="s@example.dk", role=Role.supplier)
    refusal = refused(
        lambda: INCIDENTS.step(State.handed_over, Action.closed, supplier, name="BDK-2026-0001")
    )
    assert isinstance(refusal, TransitionNotAllowed)
    assert str(refusal) == (
        "BDK-2026-0001 is handed_over, which does not allow closed; allowed for you now: resolved"
    )
    problem = problem_of(danish_request(), refusal)
    assert problem.text == (
        "BDK-2026-0001 er overdraget, så trinnet »lukket« er ikke muligt; tilladt for dig nu: løst"
    )
    assert (problem.status_code, problem.allowed) == (409, ("resolved",))


def test_who_may_take_a_step_is_named_in_danish() -> None:
    authority = User(email="a@example.dk", role=Role.authority)
    refusal = refused(
        lambda: INCIDENTS.step(State.handed_over, Action.cancelled, authority, name="BDK-2026-0001")
    )
    assert isinstance(refusal, Forbidden)
    assert problem_of(danish_request(), refusal).text == (
        "din rolle (myndighed) må ikke tage trinnet »annulleret«, når BDK-2026-0001 er "
        "overdraget (det må: administrator, operatør)"
    )


def test_a_message_named_in_a_refusal_is_named_in_danish() -> None:
    operator = User(email="o@example.dk", role=Role.operator)
    message = OperationalMessage(id=7, state=MessageState.closed.value)
    refusal = refused(lambda: check_step(operator, message, MessageAction.update))
    assert str(refusal).startswith("message 7 is closed, which does not allow update;")
    assert problem_of(danish_request(), refusal).text == (
        "driftsmeddelelse 7 er lukket, så trinnet »opdatering« er ikke muligt; "
        "tilladt for dig nu: intet"
    )


def test_an_invalid_value_reads_in_danish_at_its_field_and_in_english_in_the_api() -> None:
    refusal = Invalid(
        "priority",
        "{priority} is not a priority of this service (use {levels})",
        priority=7,
        levels=[1, 2, 3, 4],
    )
    assert refusal.payload()["errors"] == [
        {"field": "priority", "problem": "7 is not a priority of this service (use [1, 2, 3, 4])"}
    ]
    problem = problem_of(danish_request(), refusal)
    assert (problem.field, problem.status_code) == ("priority", 422)
    assert problem.text == "7 er ikke en prioritet for denne tjeneste (brug [1, 2, 3, 4])"


def test_an_english_page_shows_the_refusal_as_the_api_says_it() -> None:
    request = Request({"type": "http", "query_string": b"lang=en", "headers": []})
    refusal = Invalid("party", "no incident is named {key!r}", key="")
    # An empty value is not looked up (gettext("") is the catalogue's header).
    assert problem_of(request, refusal).text == "no incident is named ''"
    assert problem_of(danish_request(), refusal).text == "der er ingen hændelse, der hedder ''"


def test_each_text_has_one_danish_translation() -> None:
    """A text entered twice, in one catalogue or in two, reads as whichever entry the merge
    keeps: the pages may show the wrong one, or an English placeholder left behind."""
    entries: dict[str, list[tuple[str, str]]] = {}
    for po_file in catalogue_files("da"):
        for msgid, msgstr in re.findall(
            r'^msgid "(.+)"\nmsgstr "(.*)"$', po_file.read_text(), re.M
        ):
            entries.setdefault(msgid, []).append(
                (po_file.relative_to(PACKAGE_DIR).as_posix(), msgstr)
            )
    twice_in_one = {
        msgid: places
        for msgid, places in entries.items()
        if len({where for where, _ in places}) < len(places)
    }
    assert not twice_in_one
    translated_two_ways = {
        msgid: places for msgid, places in entries.items() if len({text for _, text in places}) > 1
    }
    assert not translated_two_ways
