"""Suggest a priority from the reported facts and say why (R6.5)."""

from __future__ import annotations

from dataclasses import dataclass, fields

from stabil.declaration import Declaration
from stabil.declaration.priorities import Condition


@dataclass(frozen=True, slots=True)
class Impact:
    """The facts a reporter gave; None is a fact not given.

    An unknown share of users meets no bound on it: "at most 5 %" is not known either. A
    yes/no fact not given counts as no, as a report that names no security breach is taken
    to have none.
    """

    users_affected_percent: float | None = None
    security_breach: bool | None = None
    legal_breach: bool | None = None
    workaround: bool | None = None
    central_function: bool | None = None

    @property
    def given(self) -> bool:
        return any(getattr(self, item.name) is not None for item in fields(self))


@dataclass(frozen=True, slots=True)
class Suggestion:
    priority: int
    reason_en: str
    reason_da: str


def suggest_priority(declaration: Declaration, impact: Impact) -> Suggestion:
    """The most urgent priority one of whose conditions the facts meet, else the default."""
    if not impact.given:
        return _default(
            declaration, "no impact facts were given", "der er ikke oplyst noget om påvirkningen"
        )
    for priority in sorted(declaration.priorities, key=lambda item: item.level):
        for condition in priority.suggested_when:
            if _holds(condition, impact):
                en, da = _reasons(condition)
                return Suggestion(
                    priority.level,
                    f"priority {priority.level} ({priority.name.get('en')}): {en}",
                    f"prioritet {priority.level} ({priority.name.da}): {da}",
                )
    return _default(
        declaration,
        "no condition of a higher priority is met",
        "ingen betingelse for en højere prioritet er opfyldt",
    )


def _default(declaration: Declaration, why_en: str, why_da: str) -> Suggestion:
    default = (
        declaration.priority_suggestion.default_priority
        if declaration.priority_suggestion
        else max(item.level for item in declaration.priorities)
    )
    name = declaration.priority(default).name
    return Suggestion(
        default,
        f"priority {default} ({name.get('en')}): {why_en}",
        f"prioritet {default} ({name.da}): {why_da}",
    )


def _holds(condition: Condition, impact: Impact) -> bool:
    share = impact.users_affected_percent
    over, at_most = condition.users_affected_percent_over, condition.users_affected_percent_at_most
    checks = [
        over is None or (share is not None and share > over),
        at_most is None or (share is not None and share <= at_most),
    ]
    for fact in ("security_breach", "legal_breach", "workaround", "central_function"):
        wanted = getattr(condition, fact)
        checks.append(wanted is None or bool(getattr(impact, fact)) == wanted)
    return all(checks)


_FACT_TEXTS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    # fact: ((English if true, Danish if true), (English if false, Danish if false))
    "security_breach": (
        ("a security breach", "et sikkerhedsbrud"),
        ("no security breach", "intet sikkerhedsbrud"),
    ),
    "legal_breach": (
        ("a breach of legal requirements", "brud på lovkrav"),
        ("no legal breach", "intet brud på lovkrav"),
    ),
    "workaround": (
        ("a work-around exists", "der findes en work-around"),
        ("no work-around", "ingen work-around"),
    ),
    "central_function": (
        ("a central function is affected", "en central funktion er ramt"),
        ("no central function is affected", "ingen central funktion er ramt"),
    ),
}


def _reasons(condition: Condition) -> tuple[str, str]:
    english: list[str] = []
    danish: list[str] = []
    if condition.users_affected_percent_over is not None:
        share = f"{condition.users_affected_percent_over:g} %"
        english.append(f"more than {share} of users affected")
        danish.append(f"mere end {share.replace('.', ',')} af brugerne er ramt")
    if condition.users_affected_percent_at_most is not None:
        share = f"{condition.users_affected_percent_at_most:g} %"
        english.append(f"at most {share} of users affected")
        danish.append(f"højst {share.replace('.', ',')} af brugerne er ramt")
    for fact, (when_true, when_false) in _FACT_TEXTS.items():
        wanted = getattr(condition, fact)
        if wanted is not None:
            en, da = when_true if wanted else when_false
            english.append(en)
            danish.append(da)
    return " and ".join(english), " og ".join(danish)
