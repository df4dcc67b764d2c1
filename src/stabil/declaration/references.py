"""Checks that span sections: every name a rule refers to exists, and the parts fit together."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from stabil.declaration.calendars import check_service_periods, resolve_week_patterns
from stabil.declaration.model import Declaration
from stabil.declaration.operations import WORKING_PARTY
from stabil.declaration.priorities import TargetUnit
from stabil.declaration.problems import Problem
from stabil.declaration.yamlsource import Path


def nearest(word: str, choices: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def unknown(kind: str, word: str, choices: Iterable[str]) -> str:
    known = list(choices)
    guess = nearest(word, known)
    hint = f"did you mean {guess!r}?" if guess else f"known: {', '.join(map(str, known)) or 'none'}"
    return f"no {kind} is named {word!r} ({hint})"


class _Checker:
    def __init__(self, declaration: Declaration) -> None:
        self.d = declaration
        self.problems: list[Problem] = []
        self.calendars = declaration.time.calendar_names()
        self.contacts = [contact.key for contact in declaration.contacts]
        self.levels = [priority.level for priority in declaration.priorities]
        self.timers = list(declaration.timers)

    def add(self, path: Path, message: str) -> None:
        self.problems.append(Problem(path, message))

    def calendar(self, path: Path, name: str | None) -> None:
        if name is not None and name not in self.calendars:
            self.add(path, unknown("calendar", name, self.calendars))

    def contact(self, path: Path, key: str, *, working_party: bool = False) -> None:
        allowed = [*self.contacts, WORKING_PARTY] if working_party else self.contacts
        if key not in allowed:
            self.add(path, unknown("contact", key, allowed))

    def contact_list(self, path: Path, keys: list[str], *, working_party: bool = False) -> None:
        for index, key in enumerate(keys):
            self.contact((*path, index), key, working_party=working_party)

    def levels_exist(self, path: Path, levels: list[int]) -> None:
        for index, level in enumerate(levels):
            if level not in self.levels:
                known = ", ".join(map(str, self.levels))
                self.add((*path, index), f"no priority {level} (known: {known})")

    def timer(self, path: Path, key: str) -> None:
        if key not in self.timers:
            self.add(path, unknown("timer", key, self.timers))

    def unique(self, path: Path, keys: list[str], what: str) -> None:
        seen: set[str] = set()
        for index, key in enumerate(keys):
            if key in seen:
                self.add((*path, index), f"{what} {key!r} is given twice (give each once)")
            seen.add(key)


def check_references(declaration: Declaration) -> list[Problem]:
    """Every cross-section problem of a declaration that parsed; empty when it is sound."""
    checker = _Checker(declaration)
    patterns, problems = resolve_week_patterns(declaration.time)
    checker.problems.extend(problems)
    if not problems:
        checker.problems.extend(check_service_periods(declaration.time, patterns))
    for check in (
        _time,
        _metadata,
        _priorities,
        _goals,
        _availability,
        _escalation,
        _majors,
        _windows,
        _communication,
        _contacts,
        _extras,
    ):
        check(checker)
    return checker.problems


def _time(c: _Checker) -> None:
    if c.d.time.working_days:
        c.calendar(("time", "working_days", "calendar"), c.d.time.working_days.calendar)


def _metadata(c: _Checker) -> None:
    history = c.d.metadata.history
    c.contact_list(("metadata", "history", "notify"), history.notify)
    versions = [entry.version for entry in history.entries]
    if c.d.metadata.version not in versions:
        c.add(
            ("metadata", "version"),
            f"version {c.d.metadata.version!r} has no entry in metadata.history "
            f"(add one; the history has {', '.join(versions)})",
        )
    if c.d.incident_management:
        for index, route in enumerate(c.d.incident_management.reporting):
            path = ("incident_management", "reporting", index)
            c.contact_list((*path, "to"), route.to)
            c.calendar((*path, "hours"), route.hours)


def _priorities(c: _Checker) -> None:
    seen: set[int] = set()
    for index, priority in enumerate(c.d.priorities):
        path: Path = ("priorities", index)
        if priority.level in seen:
            c.add((*path, "level"), f"priority {priority.level} is given twice (give each once)")
        seen.add(priority.level)
        missing = [timer for timer in c.timers if timer not in priority.targets]
        if missing:
            c.add(
                (*path, "targets"),
                f"priority {priority.level} has no target for {', '.join(missing)} "
                "(give every timer a target, e.g. reaction: {value: 15, unit: minutes, "
                "calendar: primary})",
            )
        for timer, target in priority.targets.items():
            target_path = (*path, "targets", timer)
            c.timer(target_path, timer)
            c.calendar((*target_path, "calendar"), target.calendar)
            if target.unit is TargetUnit.working_days and c.d.time.working_days is None:
                c.add(
                    (*target_path, "unit"),
                    "working_days needs time.working_days (say which calendar makes a working "
                    "day and how many minutes it counts, e.g. calendar: primary, "
                    "day_minutes: 480)",
                )
    if c.d.priority_suggestion:
        level = c.d.priority_suggestion.default_priority
        if level not in c.levels:
            c.add(
                ("priority_suggestion", "default_priority"),
                f"no priority {level} (known: {', '.join(map(str, c.levels))})",
            )


def _goals(c: _Checker) -> None:
    goals: list[tuple[str, int, str, list[int]]] = [
        *(("timers", i, goal.timer, goal.priorities) for i, goal in enumerate(c.d.goals.timers)),
        *(
            ("averages", i, goal.timer, goal.priorities)
            for i, goal in enumerate(c.d.goals.averages)
        ),
    ]
    for group, index, timer, levels in goals:
        path: Path = ("goals", group, index)
        c.timer((*path, "timer"), timer)
        c.levels_exist((*path, "priorities"), levels)


def _availability(c: _Checker) -> None:
    if not c.d.availability:
        return
    periods = c.d.time.service_periods.periods
    c.unique(("availability", "parts"), [part.key for part in c.d.availability.parts], "part")
    for index, target in enumerate(c.d.availability.targets):
        path: Path = ("availability", "targets", index, "calendar")
        if target.calendar not in c.calendars:
            c.add(path, unknown("calendar", target.calendar, c.calendars))
        elif target.calendar not in periods and target.calendar != "always":
            c.add(path, f"{target.calendar!r} is not a service period (use one of {periods})")


def _escalation(c: _Checker) -> None:
    if not c.d.escalation:
        return
    c.unique(("escalation", "rules"), [rule.key for rule in c.d.escalation.rules], "rule")
    for index, rule in enumerate(c.d.escalation.rules):
        path: Path = ("escalation", "rules", index)
        c.levels_exist((*path, "priorities"), rule.priorities)
        for position, timer in enumerate(rule.timers):
            c.timer((*path, "timers", position), timer)
        c.contact_list((*path, "notify"), rule.notify, working_party=True)
        c.calendar((*path, "hours"), rule.hours)


def _majors(c: _Checker) -> None:
    majors = c.d.major_incidents
    if not majors:
        return
    path: Path = ("major_incidents",)
    c.levels_exist((*path, "priorities"), majors.priorities)
    if majors.procedure_hours:
        c.calendar((*path, "procedure_hours", "joint"), majors.procedure_hours.joint)
        c.calendar((*path, "procedure_hours", "agency"), majors.procedure_hours.agency)
    if majors.downtime_step:
        c.contact_list((*path, "downtime_step", "notify"), majors.downtime_step.notify)
    if majors.post_review:
        c.contact_list((*path, "post_review", "recipients"), majors.post_review.recipients)
        c.contact_list((*path, "post_review", "notify"), majors.post_review.notify)
    if majors.restored_message:
        c.contact_list((*path, "restored_message", "notify"), majors.restored_message.notify)
    if majors.orientation:
        orientation = majors.orientation
        c.contact_list((*path, "orientation", "notify"), orientation.notify)
        c.contact_list((*path, "orientation", "escalate_to"), orientation.escalate_to)
        c.calendar(
            (*path, "orientation", "first_message", "in_calendar"),
            orientation.first_message.in_calendar,
        )
        c.calendar((*path, "orientation", "outside", "calendar"), orientation.outside.calendar)


def _windows(c: _Checker) -> None:
    windows = c.d.service_windows
    if not windows:
        return
    c.unique(("service_windows", "kinds"), [kind.key for kind in windows.kinds], "window kind")
    for index, kind in enumerate(windows.kinds):
        c.calendar(("service_windows", "kinds", index, "allowed_in"), kind.allowed_in)
    period = windows.in_service_period
    if period is not None and period not in c.d.time.service_periods.periods:
        periods = c.d.time.service_periods.periods
        c.add(("service_windows", "in_service_period"), unknown("service period", period, periods))
    if c.d.releases:
        c.contact_list(("releases", "notify"), c.d.releases.notify)


def _communication(c: _Checker) -> None:
    if not c.d.communication:
        return
    types = [rule.type.value for rule in c.d.communication.message_types]
    c.unique(("communication", "message_types"), types, "message type")
    for index, rule in enumerate(c.d.communication.message_types):
        c.contact_list(("communication", "message_types", index, "notify"), rule.notify)


def _contacts(c: _Checker) -> None:
    c.unique(("contacts",), c.contacts, "contact")
    for index, contact in enumerate(c.d.contacts):
        c.calendar(("contacts", index, "hours"), contact.hours)
    c.unique(("meetings",), [meeting.key for meeting in c.d.meetings], "meeting")


def _extras(c: _Checker) -> None:
    reports = c.d.reports
    for kind in ("weekly", "monthly"):
        delivery = getattr(reports, kind) if reports else None
        if delivery is not None:
            c.contact_list(("reports", kind, "to"), delivery.to)
    c.unique(("response_times",), [item.key for item in c.d.response_times], "response time")
    for index, item in enumerate(c.d.response_times):
        c.calendar(("response_times", index, "calendar"), item.calendar)
    if not c.d.penalties:
        return
    names = {
        "availability": c.calendars,
        "timer_goal": c.timers,
        "response_time": [item.key for item in c.d.response_times],
    }
    for index, rule in enumerate(c.d.penalties.rules):
        choices = names[rule.measure.value]
        if rule.applies_to not in choices:
            path: Path = ("penalties", "rules", index, "applies_to")
            c.add(path, unknown(rule.measure.value.replace("_", " "), rule.applies_to, choices))
