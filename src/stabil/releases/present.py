"""A release as the API shows it to one reader."""

from __future__ import annotations

import datetime as dt
from typing import Any, overload

from stabil.accounts.models import User
from stabil.accounts.privacy import person_label
from stabil.releases.access import transitions_for
from stabil.releases.models import Release
from stabil.releases.schemas import HelpOut, NoticeOut, ReleaseOut
from stabil.releases.service import help_due
from stabil.releases.states import ReleaseState


@overload
def utc(instant: dt.datetime) -> dt.datetime: ...
@overload
def utc(instant: None) -> None: ...
def utc(instant: dt.datetime | None) -> dt.datetime | None:
    """As the API gives every instant: in UTC, however it was entered."""
    return instant.astimezone(dt.UTC) if instant is not None else None


def release_out(release: Release, reader: User) -> ReleaseOut:
    """`allowed_transitions` are the steps the reader may take now."""
    return ReleaseOut(
        id=release.id,
        service=release.service.key,
        version=release.version,
        state=ReleaseState(release.state),
        planned_date=release.planned_date,
        interface_change=release.interface_change,
        notes=release.notes,
        notes_en=release.notes_en,
        announced_at=utc(release.announced_at),
        released_at=utc(release.released_at),
        notice_met=release.notice_met,
        shorter_notice_reason=release.shorter_notice_reason,
        notice=NoticeOut(
            required_months=release.notice_months, earliest_date=release.earliest_date
        ),
        help=help_out(release, reader),
        message_id=release.message_id,
        allowed_transitions=transitions_for(reader, release),
        created_at=utc(release.created_at),
        updated_at=utc(release.updated_at),
        revision=release.revision,
    )


def help_out(release: Release, reader: User) -> HelpOut | None:
    """The duty to help, for a release announced with shorter notice (R11.1)."""
    if release.notice_met:
        return None
    return HelpOut(
        obligation=release.help_obligation,
        due=help_due(release),
        given_at=utc(release.help_given_at),
        given_by=person_label(release.help_given_by, reader),
    )


def notice_facts(release: Release) -> dict[str, Any]:
    """A release's version, day and notice as reports and meeting packs list them (R11.1)."""
    return {
        "version": release.version,
        "planned_date": release.planned_date,
        "state": release.state,
        "interface_change": release.interface_change,
        "announced_at": release.announced_at,
        "notice_months": release.notice_months,
        "earliest_date": release.earliest_date,
        "notice_met": release.notice_met,
    }
