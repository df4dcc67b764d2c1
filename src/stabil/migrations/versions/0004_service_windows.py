"""Service windows and their history (R13)

Revision ID: 0004_service_windows
Revises: 0003_incident_registered_index
Create Date: 2026-12-01 17:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import stabil.db.types

revision = "0004_service_windows"
down_revision = "0003_incident_registered_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_windows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("declaration_version_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("planned_start", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("planned_end", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actual_start", stabil.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("actual_end", stabil.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("announced_at", stabil.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=True),
        sa.Column("affected", sa.JSON(), nullable=False, comment="Affected parts of the service."),
        sa.Column("compliant", sa.Boolean(), nullable=False),
        sa.Column(
            "violations",
            sa.JSON(),
            nullable=False,
            comment="The rules the window breaks, as last checked; empty when compliant.",
        ),
        sa.Column(
            "override_reason",
            sa.Text(),
            nullable=True,
            comment="Why a window that breaks rules was recorded anyway.",
        ),
        sa.Column("created_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_service_windows_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["declaration_version_id"],
            ["declaration_versions.id"],
            name=op.f("fk_service_windows_declaration_version_id_declaration_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_service_windows_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_windows")),
    )
    op.create_index(
        "ix_service_windows_service_start",
        "service_windows",
        ["service_id", "planned_start"],
        unique=False,
    )
    op.create_index(op.f("ix_service_windows_state"), "service_windows", ["state"], unique=False)
    op.create_table(
        "service_window_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("window_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("effective_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_service_window_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["window_id"],
            ["service_windows.id"],
            name=op.f("fk_service_window_events_window_id_service_windows"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_window_events")),
        sa.UniqueConstraint("window_id", "seq", name=op.f("uq_service_window_events_window_id")),
    )
    op.create_index(
        op.f("ix_service_window_events_window_id"),
        "service_window_events",
        ["window_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("service_window_events")
    op.drop_table("service_windows")
