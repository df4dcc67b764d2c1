"""Clock queries as JSON objects, one per line: the protocol of `stabil clock batch`.

`{"op":"deadline","priority":1,"target":"reaction","from":T}` gives `{"deadline":T}`;
`{"op":"elapsed","calendar":"primary","from":T,"to":T}` gives `{"seconds":N}`;
`{"op":"period","at":T}` gives `{"period":"primary"}`;
`{"op":"orientation","detected":T}`, optionally with `"last_message":T`, gives `{"due":T}`.
A query that cannot be answered gives `{"error":"..."}`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from typing import Any

from stabil.clock.clock import Clock
from stabil.clock.errors import ClockError
from stabil.clock.parsing import format_instant, parse_instant

Answer = dict[str, Any]


def answer_line(clock: Clock, line: str) -> Answer:
    """The answer to one line of JSON; a bad line gives `{"error": ...}`, never an exception."""
    try:
        query = json.loads(line)
    except json.JSONDecodeError as error:
        return {"error": f"the line is not JSON ({error.msg} at column {error.colno})"}
    if not isinstance(query, dict):
        return {"error": 'a query is a JSON object, e.g. {"op":"period","at":"2026-04-07T08:45"}'}
    try:
        return answer(clock, query)
    except ClockError as error:
        return {"error": str(error)}


def answer(clock: Clock, query: dict[str, Any]) -> Answer:
    op = query.get("op")
    if op not in _OPS:
        raise ClockError(f"op is {op!r}; give one of {', '.join(_OPS)}")
    required, optional, handler = _OPS[op]
    unknown = sorted(set(query) - {"op", *required, *optional})
    if unknown:
        fields = ", ".join((*required, *optional))
        raise ClockError(f"unknown field {unknown[0]!r} for op {op} (fields: {fields})")
    missing = [field for field in required if field not in query]
    if missing:
        raise ClockError(f"op {op} needs the field {missing[0]!r}")
    return handler(clock, query)


def elapsed_seconds(clock: Clock, calendar: str, start: dt.datetime, end: dt.datetime) -> int:
    """Whole seconds of the calendar's time in `[start, end)`, as the CLI shows them."""
    return math.floor(clock.elapsed(calendar, start, end))


def orientation_due(
    clock: Clock, detected: dt.datetime, last_message: dt.datetime | None
) -> dt.datetime:
    """The first message's due instant, or the next update's after `last_message` (R14.5)."""
    if last_message is None:
        return clock.orientation_first_due(detected)
    if last_message < detected:
        raise ClockError("the last message is before the incident was detected")
    return clock.orientation_next_due(last_message)


def _deadline(clock: Clock, query: dict[str, Any]) -> Answer:
    level, timer = query["priority"], _text(query, "target")
    if not isinstance(level, int) or isinstance(level, bool):
        raise ClockError(f"priority is a whole number, e.g. 1, not {level!r}")
    due = clock.target_deadline(level, timer, _instant(clock, query, "from"))
    return {"deadline": format_instant(due, clock.zone)}


def _elapsed(clock: Clock, query: dict[str, Any]) -> Answer:
    start, end = _instant(clock, query, "from"), _instant(clock, query, "to")
    return {"seconds": elapsed_seconds(clock, _text(query, "calendar"), start, end)}


def _period(clock: Clock, query: dict[str, Any]) -> Answer:
    return {"period": clock.period_at(_instant(clock, query, "at"))}


def _orientation(clock: Clock, query: dict[str, Any]) -> Answer:
    detected = _instant(clock, query, "detected")
    last = _instant(clock, query, "last_message") if "last_message" in query else None
    return {"due": format_instant(orientation_due(clock, detected, last), clock.zone)}


def _text(query: dict[str, Any], field: str) -> str:
    value = query[field]
    if not isinstance(value, str):
        raise ClockError(f"{field} is a string, not {value!r}")
    return value


def _instant(clock: Clock, query: dict[str, Any], field: str) -> dt.datetime:
    return parse_instant(_text(query, field), clock.zone)


_Handler = Callable[[Clock, dict[str, Any]], Answer]
_OPS: dict[str, tuple[tuple[str, ...], tuple[str, ...], _Handler]] = {
    "deadline": (("priority", "target", "from"), (), _deadline),
    "elapsed": (("calendar", "from", "to"), (), _elapsed),
    "period": (("at",), (), _period),
    "orientation": (("detected",), ("last_message",), _orientation),
}
