"""Tables of the service catalogue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from stabil.db.base import Base
from stabil.db.types import now_utc


class Service(Base):
    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name_da: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=now_utc)

    versions: Mapped[list[DeclarationVersion]] = relationship(
        back_populates="service", order_by="DeclarationVersion.effective"
    )


class DeclarationVersion(Base):
    """One version of a service's declaration, kept unchanged for as long as the service lives."""

    __tablename__ = "declaration_versions"
    __table_args__ = (UniqueConstraint("service_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    version: Mapped[str] = mapped_column(String(40))
    effective: Mapped[dt.date]
    digest: Mapped[str] = mapped_column(String(64))
    # Large and rarely needed: loaded only when read.
    source_text: Mapped[str] = mapped_column(Text, deferred=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    loaded_at: Mapped[dt.datetime] = mapped_column(default=now_utc)

    service: Mapped[Service] = relationship(back_populates="versions")
