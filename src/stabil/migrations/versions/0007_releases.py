"""Releases and their history (R11)

Revision ID: 0007_releases
Revises: 0006_changes
Create Date: 2026-12-01 19:25:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import stabil.db.types

revision = "0007_releases"
down_revision = "0006_changes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("declaration_version_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column(
            "planned_date", sa.Date(), nullable=False, comment="A local date in the service's zone."
        ),
        sa.Column("interface_change", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False, comment="Release notes in Danish."),
        sa.Column("notes_en", sa.Text(), nullable=True),
        sa.Column(
            "announced_at",
            stabil.db.types.UTCDateTime(timezone=True),
            nullable=True,
            comment="The written notice: notice counts from it (R11.1).",
        ),
        sa.Column("released_at", stabil.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "notice_months",
            sa.Integer(),
            nullable=False,
            comment="The notice the declaration asks of this release; 0: none.",
        ),
        sa.Column(
            "earliest_date",
            sa.Date(),
            nullable=True,
            comment="The earliest release date the notice allows, as last checked.",
        ),
        sa.Column("notice_met", sa.Boolean(), nullable=False),
        sa.Column(
            "shorter_notice_reason",
            sa.String(length=32),
            nullable=True,
            comment="Why a shorter notice was allowed: legal, technical or urgent.",
        ),
        sa.Column(
            "help_obligation",
            sa.JSON(),
            nullable=True,
            comment="The declaration's duty to help after shorter notice, by language.",
        ),
        sa.Column("help_given_at", stabil.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("help_given_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "message_id",
            sa.Integer(),
            nullable=True,
            comment="The operational message that announced it.",
        ),
        sa.Column("created_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_releases_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["declaration_version_id"],
            ["declaration_versions.id"],
            name=op.f("fk_releases_declaration_version_id_declaration_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["help_given_by_id"], ["users.id"], name=op.f("fk_releases_help_given_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["status_messages.id"],
            name=op.f("fk_releases_message_id_status_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_releases_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_releases")),
    )
    op.create_index(
        "ix_releases_service_date", "releases", ["service_id", "planned_date"], unique=False
    )
    op.create_index(op.f("ix_releases_state"), "releases", ["state"], unique=False)

    op.create_table(
        "release_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("effective_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_release_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["release_id"], ["releases.id"], name=op.f("fk_release_events_release_id_releases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release_events")),
        sa.UniqueConstraint("release_id", "seq", name=op.f("uq_release_events_release_id")),
    )
    op.create_index(
        op.f("ix_release_events_release_id"), "release_events", ["release_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("release_events")
    op.drop_table("releases")
