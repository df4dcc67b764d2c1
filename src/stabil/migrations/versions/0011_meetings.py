"""Meetings of the declared forums, their actions and their history (R17, R9.8)

Revision ID: 0011_meetings
Revises: 0010_reports
Create Date: 2026-12-02 05:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import stabil.db.types

revision = "0011_meetings"
down_revision = "0010_reports"
branch_labels = None
depends_on = None

Instant = stabil.db.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("declaration_version_id", sa.Integer(), nullable=False),
        sa.Column(
            "forum",
            sa.String(length=64),
            nullable=False,
            comment="The declared meeting: a key of meetings[], or review_meeting (R9.8).",
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", Instant(timezone=True), nullable=False),
        sa.Column("ends_at", Instant(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column(
            "over_quota",
            sa.Boolean(),
            nullable=False,
            comment="Planned beyond the declared number a year: allowed, and flagged.",
        ),
        sa.Column(
            "invitees",
            sa.JSON(),
            nullable=False,
            comment="Addresses reminded besides those the declaration names.",
        ),
        sa.Column(
            "minutes", sa.Text(), nullable=False, comment="The decision minutes, in Markdown."
        ),
        sa.Column("decisions", sa.JSON(), nullable=False, comment="The decisions, one per item."),
        sa.Column(
            "minutes_at",
            Instant(timezone=True),
            nullable=True,
            comment="When minutes were recorded.",
        ),
        sa.Column("created_at", Instant(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", Instant(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_meetings_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["declaration_version_id"],
            ["declaration_versions.id"],
            name=op.f("fk_meetings_declaration_version_id_declaration_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_meetings_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    op.create_index(
        "ix_meetings_service_forum_start",
        "meetings",
        ["service_id", "forum", "starts_at"],
        unique=False,
    )
    op.create_index(op.f("ix_meetings_state"), "meetings", ["state"], unique=False)

    op.create_table(
        "meeting_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "owner_id",
            sa.Integer(),
            nullable=False,
            comment="The organisation that owns the action.",
        ),
        sa.Column(
            "due_on", sa.Date(), nullable=False, comment="A local date in the service's zone."
        ),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("done_at", Instant(timezone=True), nullable=True),
        sa.Column("created_at", Instant(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_actions_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["organisations.id"],
            name=op.f("fk_meeting_actions_owner_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_actions")),
    )
    op.create_index(
        op.f("ix_meeting_actions_meeting_id"), "meeting_actions", ["meeting_id"], unique=False
    )
    op.create_index(op.f("ix_meeting_actions_state"), "meeting_actions", ["state"], unique=False)

    op.create_table(
        "meeting_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", Instant(timezone=True), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_meeting_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_events_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_events")),
        sa.UniqueConstraint("meeting_id", "seq", name=op.f("uq_meeting_events_meeting_id")),
    )
    op.create_index(
        op.f("ix_meeting_events_meeting_id"), "meeting_events", ["meeting_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("meeting_events")
    op.drop_table("meeting_actions")
    op.drop_table("meetings")
