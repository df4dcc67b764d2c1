"""Tables of the accounts: organisations, users and their API tokens."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from stabil.accounts.roles import OrganisationKind, Role
from stabil.db.base import Base
from stabil.db.types import now_utc

# The enums are re-exported: callers that hold a User usually want its Role too.
__all__ = ["ApiToken", "Organisation", "OrganisationKind", "Role", "User"]


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganisationKind] = mapped_column(
        Enum(OrganisationKind, native_enum=False, length=16, create_constraint=True, name="kind")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=now_utc)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        # The service checks this too, with a better message; the database keeps it true
        # whatever writes the row.
        CheckConstraint(
            "role NOT IN ('supplier', 'authority') OR organisation_id IS NOT NULL",
            name="organisation_for_role",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so that the unique constraint is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16, create_constraint=True, name="role")
    )
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(default=now_utc)

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")

    def belongs_to(self, organisation_id: int | None) -> bool:
        """Whether the user acts for this organisation (never for "no organisation")."""
        return organisation_id is not None and self.organisation_id == organisation_id

    @property
    def label(self) -> str:
        """How logs and pages name the user."""
        return self.display_name or self.email


class ApiToken(Base):
    """A bearer token of one user; only its SHA-256 digest is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=now_utc)
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()
