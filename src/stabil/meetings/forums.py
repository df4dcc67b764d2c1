"""The meetings a declaration holds, as one shape: its `meetings[]` (the authorities'
operations meeting, R17.1) and the review meeting after major incidents (R9.8).

A forum says how often it meets: a number a year, which splits the year into that many
periods (4: quarters), or a meeting every so many months (2: January-February, March-April,
...). Each period is due one meeting.
"""

from __future__ import annotations

from dataclasses import dataclass

from stabil.declaration import Declaration
from stabil.declaration.base import Text
from stabil.errors import Invalid, Names

REVIEW = "review_meeting"
# The review meeting declares no length of its own: two hours, like the operations meeting.
REVIEW_MINUTES = 120


@dataclass(frozen=True, slots=True)
class Forum:
    key: str
    name: Text
    rule: str  # the clause it encodes, e.g. R17.1
    per_year: int
    duration_minutes: int
    participants: tuple[Text, ...]  # who takes part, in the declaration's words
    contacts: tuple[str, ...]  # contact keys reminded, where the declaration names them
    host: Text | None
    agenda: tuple[Text, ...]
    minutes: Text | None  # the kind of minutes, e.g. decision minutes (beslutningsreferat)

    @property
    def is_review(self) -> bool:
        return self.key == REVIEW

    def name_in(self, language: str) -> str:
        return self.name.get(language)


def forums_of(declaration: Declaration) -> list[Forum]:
    """The declaration's forums, its meetings[] first, then the review meeting."""
    found = [
        Forum(
            key=meeting.key,
            name=meeting.name,
            rule=_rule(meeting.source, "R17"),
            per_year=meeting.per_year,
            duration_minutes=meeting.duration_minutes,
            participants=tuple(meeting.participants),
            contacts=(),
            host=meeting.host,
            agenda=tuple(meeting.agenda),
            minutes=meeting.minutes,
        )
        for meeting in declaration.meetings
    ]
    review = declaration.major_incidents.review_meeting if declaration.major_incidents else None
    if review is not None:
        found.append(
            Forum(
                key=REVIEW,
                name=_text(
                    da="Opfølgningsmøde om major incidents",
                    en="Review meeting of major incidents",
                ),
                rule=_rule(review.source, "R9.8"),
                per_year=_per_year(review.every_months),
                duration_minutes=REVIEW_MINUTES,
                participants=tuple(_contact_name(declaration, key) for key in review.participants),
                contacts=tuple(review.participants),
                host=None,
                agenda=(
                    _text(
                        da="Major incidents siden sidste møde",
                        en="Major incidents since the last meeting",
                    ),
                    _text(da="Post-review-rapporter og deres actions", en="Post-review reports"),
                    _text(da="Actions fra sidste møde", en="Actions of the last meeting"),
                    _text(da="Eventuelt", en="Any other business"),
                ),
                minutes=_text(da="Beslutningsreferat", en="Decision minutes"),
            )
        )
    return found


def forum_named(declaration: Declaration, key: str, field: str = "forum") -> Forum:
    """The forum `key` of the declaration; refused at `field`, listing those it holds."""
    forums = forums_of(declaration)
    for forum in forums:
        if forum.key == key:
            return forum
    if not forums:
        raise Invalid(
            field, "the declaration of {service} holds no meetings", service=declaration.key
        )
    raise Invalid(
        field,
        "{key!r} is not a meeting of the declaration of {service} (known: {known})",
        key=key,
        service=declaration.key,
        known=Names(forum.key for forum in forums),
    )


def _text(da: str, en: str | None = None) -> Text:
    """A text of Stabil's own about a forum, where the declaration has none."""
    return Text(da=da, en=en, source=[])


def _per_year(every_months: int) -> int:
    # Every 5 months still meets three times a year: the last period is shorter.
    return -(-12 // every_months)


def _contact_name(declaration: Declaration, key: str) -> Text:
    try:
        return declaration.contact(key).name
    except KeyError:
        return _text(da=key)


def _rule(source: list[str], default: str) -> str:
    return source[0] if source else default
