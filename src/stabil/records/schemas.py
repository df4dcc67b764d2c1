"""The JSON shape of an event, the same for every recorded entity."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from stabil.records.models import NoteVisibility


class EventOut(BaseModel):
    seq: int
    kind: str
    actor: str | None = Field(description="Who made the change; none for what Stabil did itself.")
    recorded_at: dt.datetime
    effective_at: dt.datetime = Field(
        description="When it really happened; later than recorded_at never, earlier for an "
        "entry made afterwards. Records that are never entered afterwards: recorded_at."
    )
    before: dict[str, Any]
    after: dict[str, Any]
    note: str | None = Field(description="None too when the reader may not read the note.")
    note_visibility: NoteVisibility | None = Field(
        description="Who reads the note: internal (those who work the record) or shared "
        "(everyone who may see it); none without a note the reader may read."
    )
