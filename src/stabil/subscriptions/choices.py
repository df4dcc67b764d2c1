"""What a subscriber may choose, and the checking of what a form sent (R10.2, R3.3).

A service takes subscribers when a message type of its declaration notifies a contact with
`subscribers: true`; the types a subscriber may choose are those types, the parts are the
declaration's parts. Choosing none of either means all of them, now and as the declaration
grows. Each check refuses at the form's field with what is wrong and what would be right;
a form's problems are reported together (`FormInvalid`), so a page can show each at its field.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from stabil.accounts.validation import AccountInvalid, normalise_email
from stabil.declaration import Declaration
from stabil.declaration.base import Text
from stabil.declaration.communication import MessageTypeRule
from stabil.errors import Invalid, Names

LANGUAGES = ("da", "en")
EMAIL_MAX = 254
SHOWN_MAX = 80  # of a value repeated in a refusal: enough to recognise it


class FormInvalid(Invalid):
    """Every problem of one form; as a refusal, the first of them."""

    def __init__(self, problems: Sequence[Invalid]) -> None:
        first = problems[0]
        super().__init__(first.field, first.template, **first.params)
        self.problems = list(problems)


@dataclass(frozen=True, slots=True)
class Choice:
    key: str
    name: Text


@dataclass(frozen=True, slots=True)
class Offer:
    """The parts and message types a subscriber of a service may choose among."""

    parts: list[Choice]
    types: list[Choice]


@dataclass(frozen=True, slots=True)
class Chosen:
    parts: list[str]  # [] = all
    types: list[str]  # [] = all


def offer_of(declaration: Declaration) -> Offer:
    parts = [Choice(part.key, part.name) for part in declaration.parts()]
    return Offer(
        parts, [Choice(rule.type.value, rule.name) for rule in subscriber_types(declaration)]
    )


def subscriber_types(declaration: Declaration) -> list[MessageTypeRule]:
    """The message types that reach subscribers, in declared order."""
    communication = declaration.communication
    rules = communication.message_types if communication else []
    return [
        rule for rule in rules if any(declaration.contact(key).subscribers for key in rule.notify)
    ]


def check_service(declaration: Declaration) -> None:
    if not subscriber_types(declaration):
        raise Invalid(
            "service",
            "{service} sends its operational messages to no subscribers",
            service=declaration.metadata.name.da,
        )


def check_chosen(
    declaration: Declaration, parts: Sequence[str], types: Sequence[str]
) -> tuple[Chosen, list[Invalid]]:
    """The choices, each once in the declaration's order; and what is wrong with them."""
    offer = offer_of(declaration)
    problems: list[Invalid] = []
    chosen_parts = _known(offer.parts, parts, "parts", problems)
    chosen_types = _known(offer.types, types, "types", problems)
    return Chosen(chosen_parts, chosen_types), problems


def _known(
    offered: list[Choice], sent: Sequence[str], field: str, problems: list[Invalid]
) -> list[str]:
    keys = [choice.key for choice in offered]
    for value in dict.fromkeys(sent):
        if has_control_characters(value):
            problems.append(control_characters(field))
        elif value not in keys and field == "parts":
            problems.append(
                Invalid(
                    field,
                    "{value} is not a part of the service (its parts: {known})",
                    value=_shown(value),
                    known=Names(keys),
                )
            )
        elif value not in keys:
            problems.append(
                Invalid(
                    field,
                    "{value} is not a message type of the service (its types: {known})",
                    value=_shown(value),
                    known=Names(keys),
                )
            )
    return [key for key in keys if key in sent]


def check_address(raw: str) -> tuple[str, list[Invalid]]:
    """The address as stored (lower-cased); and what is wrong with it."""
    if has_control_characters(raw):
        return "", [control_characters("email")]
    if not raw.strip():
        return "", [Invalid("email", "Write the e-mail address the messages are to go to.")]
    malformed = Invalid(
        "email",
        "{address} is not an e-mail address; write one such as name@example.dk",
        address=_shown(raw.strip()),
    )
    if len(raw.strip()) > EMAIL_MAX:
        return "", [malformed]
    try:
        address = normalise_email(raw)
    except AccountInvalid:
        return "", [malformed]
    # The accounts take it for a first admin on one machine; no subscriber lives there.
    return ("", [malformed]) if address.endswith("@localhost") else (address, [])


def check_language(raw: str) -> tuple[str, list[Invalid]]:
    if raw in LANGUAGES:
        return raw, []
    if has_control_characters(raw):
        return "da", [control_characters("lang")]
    return "da", [Invalid("lang", "Choose Danish (da) or English (en).")]


def has_control_characters(text: str) -> bool:
    """Line breaks (which would end a mail header and start another), NUL, tabs and the
    other control characters: no address, key or language has one."""
    return any(unicodedata.category(character) in {"Cc", "Zl", "Zp"} for character in text)


def control_characters(field: str) -> Invalid:
    return Invalid(field, "contains a line break or another control character; remove it")


def _shown(value: str) -> str:
    return value if len(value) <= SHOWN_MAX else value[:SHOWN_MAX] + "…"
