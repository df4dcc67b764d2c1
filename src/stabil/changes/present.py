"""Changes as the API shows them, with their windows and their service's quota (R12.1)."""

from __future__ import annotations

from stabil.accounts.models import User
from stabil.changes.access import transitions_for
from stabil.changes.models import Change
from stabil.changes.schemas import ChangeOut, LinkedWindowOut
from stabil.changes.service import ChangeQuota
from stabil.changes.states import ChangeState, ChangeType, Risk
from stabil.windows.models import ServiceWindow
from stabil.windows.present import utc
from stabil.windows.schemas import KindQuota, QuotaOut
from stabil.windows.states import WindowState


def change_out(change: Change, reader: User, quota: ChangeQuota) -> ChangeOut:
    """The change as `reader` sees it: `allowed_transitions` are the states the reader may
    choose."""
    return ChangeOut(
        key=change.key,
        service=change.service.key,
        type=ChangeType(change.type),
        title=change.title,
        description=change.description,
        risk=Risk(change.risk),
        implementation_plan=change.implementation_plan,
        fallback_plan=change.fallback_plan,
        start=utc(change.planned_start),
        end=utc(change.planned_end),
        state=ChangeState(change.state),
        state_since=change.state_since,
        windows=[linked_window_out(window) for window in change.windows],
        quota=quota_out(quota),
        created_at=change.created_at,
        updated_at=change.updated_at,
        allowed_transitions=transitions_for(reader, change),
        revision=change.revision,
    )


def linked_window_out(window: ServiceWindow) -> LinkedWindowOut:
    return LinkedWindowOut(
        id=window.id,
        kind=window.kind,
        state=WindowState(window.state),
        start=utc(window.planned_start),
        end=utc(window.planned_end),
        compliant=window.compliant,
    )


def quota_out(quota: ChangeQuota) -> QuotaOut:
    kinds = [
        KindQuota(kind=q.kind, per_year=q.per_year, used=q.used, left=q.left, dates=q.dates)
        for q in quota.kinds
    ]
    return QuotaOut(service=quota.service, year=quota.year, kinds=kinds)
