"""Scheduled jobs: work that must happen at an instant (a warning, a breach, a reminder)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from stabil.db.base import Base
from stabil.db.types import now_utc


class JobState(StrEnum):
    pending = "pending"
    done = "done"
    cancelled = "cancelled"  # the facts changed before it was due (e.g. the timer stopped)
    failed = "failed"  # kept failing; visible, never silently dropped


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_run_at", "state", "run_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    subject_key: Mapped[str] = mapped_column(
        String(64), index=True, comment="What the job is about, e.g. an incident key."
    )
    dedupe_key: Mapped[str] = mapped_column(
        String(300), unique=True, comment="The same work is scheduled, and done, only once."
    )
    run_at: Mapped[dt.datetime]
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default=JobState.pending.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=now_utc)
    done_at: Mapped[dt.datetime | None]
