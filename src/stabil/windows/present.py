"""A service window as the API shows it."""

from __future__ import annotations

import datetime as dt
from typing import overload

from stabil.accounts.models import Role, User
from stabil.windows.models import ServiceWindow
from stabil.windows.schemas import ViolationOut, WindowOut
from stabil.windows.service import excuses_downtime
from stabil.windows.states import WindowState


@overload
def utc(instant: dt.datetime) -> dt.datetime: ...
@overload
def utc(instant: None) -> None: ...
def utc(instant: dt.datetime | None) -> dt.datetime | None:
    """As the API gives every instant: in UTC, however it was entered."""
    return instant.astimezone(dt.UTC) if instant is not None else None


def window_out(window: ServiceWindow, reader: User | None) -> WindowOut:
    """The window as `reader` may see it: an authority sees no changes, so not its change's
    key either (R12.1)."""
    change = None if reader is not None and reader.role is Role.authority else window.change_key
    return WindowOut(
        id=window.id,
        service=window.service.key,
        kind=window.kind,
        state=WindowState(window.state),
        start=utc(window.planned_start),
        end=utc(window.planned_end),
        actual_start=utc(window.actual_start),
        actual_end=utc(window.actual_end),
        announced_at=utc(window.announced_at),
        compliant=window.compliant,
        violations=[ViolationOut.model_validate(item) for item in window.violations],
        excuses_downtime=excuses_downtime(window),
        override_reason=window.override_reason,
        title=window.title,
        body=window.body,
        body_en=window.body_en,
        affected=list(window.affected),
        message=window.message_id,
        change=change,
        revision=window.revision,
    )
