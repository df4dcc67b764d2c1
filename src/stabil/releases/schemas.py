"""The JSON shapes of the release API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, model_validator

from stabil.releases.states import ReleaseAction, ReleaseState
from stabil.schemas import FromText, Instant, Key, LongText, NotNull, Printable, ShortText, Strict


def _in_range(value: dt.date) -> dt.date:
    if not 1970 <= value.year <= 9998:
        raise ValueError("lies outside 1970-9998 (give the real date, e.g. 2026-09-15)")
    return value


Day = Annotated[dt.date, FromText, AfterValidator(_in_range)]
Version = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64), Printable
]
Reason = Annotated[
    Key,
    Field(
        description="Why the notice is shorter: one of the declaration's "
        "`shorter_notice_allowed_for`, e.g. legal, technical or urgent."
    ),
]


class ReleaseIn(Strict):
    service: Key
    version: Version = Field(description="The version, e.g. 2.4.0.")
    planned_date: Day = Field(description="The release date, in the service's local calendar.")
    notes: LongText = Field(default="", description="Release notes in Danish.")
    notes_en: LongText | None = None
    interface_change: bool = Field(
        default=False,
        description="It changes the interface to the common components: notice is due (R11.1).",
    )
    announce: bool = Field(default=False, description="Announce it at once.")
    announced_at: Instant | None = Field(
        default=None, description="An announcement made earlier, entered now; never in the future."
    )
    shorter_notice_reason: Reason | None = None


class ReleasePatch(Strict):
    """New facts for a release not yet out. A field left out keeps its value; `notes_en` and
    `shorter_notice_reason` may be null (cleared)."""

    version: Annotated[Version | None, NotNull] = None
    planned_date: Annotated[Day | None, NotNull] = None
    notes: Annotated[LongText | None, NotNull] = None
    notes_en: LongText | None = None
    interface_change: Annotated[bool | None, NotNull] = None
    shorter_notice_reason: Reason | None = None

    @model_validator(mode="after")
    def _changes_something(self) -> ReleasePatch:
        if not self.model_fields_set:
            raise ValueError("give at least one field to change")
        return self


class AnnounceIn(Strict):
    at: Instant | None = Field(
        default=None, description="When it was announced, for an entry made afterwards."
    )
    shorter_notice_reason: Reason | None = None


class StepIn(Strict):
    at: Instant | None = Field(
        default=None, description="When it really happened, for an entry made afterwards."
    )


class HelpIn(StepIn):
    note: LongText | None = Field(default=None, description="How the users were helped.")


class CancelIn(Strict):
    reason: Annotated[ShortText, Field(min_length=1)]


class NoticeOut(BaseModel):
    required_months: int = Field(description="The notice the declaration asks; 0: none.")
    earliest_date: dt.date | None = Field(
        description="The earliest release date the notice allows, counted from the "
        "announcement (today's date before there is one), as last checked; none without notice."
    )


class HelpOut(BaseModel):
    """After a shorter notice the agency helps with knowledge and advice (R11.1)."""

    obligation: dict[str, str] | None = Field(description="The declaration's words, by language.")
    due: bool = Field(description="Owed and not yet marked as given.")
    given_at: dt.datetime | None
    given_by: str | None


class ReleaseOut(BaseModel):
    id: int
    service: str
    version: str
    state: ReleaseState
    planned_date: dt.date
    interface_change: bool
    notes: str
    notes_en: str | None
    announced_at: dt.datetime | None
    released_at: dt.datetime | None
    notice_met: bool = Field(description="False: announced with shorter notice, flagged.")
    shorter_notice_reason: str | None = Field(description="Why a shorter notice was allowed.")
    notice: NoticeOut
    help: HelpOut | None = Field(description="Only after a shorter notice.")
    message_id: int | None = Field(description="The operational message that announced it.")
    allowed_transitions: list[ReleaseAction]
    created_at: dt.datetime
    updated_at: dt.datetime
    revision: int


class ReleasePage(BaseModel):
    items: list[ReleaseOut]
    total: int
    limit: int
    offset: int
