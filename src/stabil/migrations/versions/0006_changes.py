"""Changes and their history (R12.1); a service window may belong to a change

Revision ID: 0006_changes
Revises: 0005_window_messages
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import stabil.db.types

revision = "0006_changes"
down_revision = "0005_window_messages"
branch_labels = None
depends_on = None

WINDOW_CHANGE = "The change the window is for, if any."


def upgrade() -> None:
    _changes()
    _window_change()


def downgrade() -> None:
    op.drop_index(op.f("ix_service_windows_change_id"), table_name="service_windows")
    # On SQLite the table is copied without the column (and so without its reference): its
    # windows must have no events then, which would refer to the table dropped.
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("service_windows") as table:
        if not sqlite:
            table.drop_constraint(op.f("fk_service_windows_change_id_changes"), type_="foreignkey")
        table.drop_column("change_id")
    op.drop_table("change_events")
    op.drop_table("changes")
    op.drop_table("change_sequences")


def _changes() -> None:
    op.create_table(
        "change_sequences",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_change_sequences_service_id_services")
        ),
        sa.PrimaryKeyConstraint("service_id", "year", name=op.f("pk_change_sequences")),
    )
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("risk", sa.String(length=16), nullable=False),
        sa.Column("implementation_plan", sa.Text(), nullable=False),
        sa.Column("fallback_plan", sa.Text(), nullable=False),
        sa.Column("planned_start", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("planned_end", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("state_since", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_changes_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_changes_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
        sa.UniqueConstraint("key", name=op.f("uq_changes_key")),
        sa.UniqueConstraint("service_id", "year", "number", name=op.f("uq_changes_service_id")),
    )
    op.create_index(op.f("ix_changes_state"), "changes", ["state"], unique=False)
    op.create_index(op.f("ix_changes_type"), "changes", ["type"], unique=False)
    op.create_table(
        "change_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_change_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["change_id"], ["changes.id"], name=op.f("fk_change_events_change_id_changes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_events")),
        sa.UniqueConstraint("change_id", "seq", name=op.f("uq_change_events_change_id")),
    )
    op.create_index(
        op.f("ix_change_events_change_id"), "change_events", ["change_id"], unique=False
    )


def _window_change() -> None:
    name = op.f("fk_service_windows_change_id_changes")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference in place; batch mode would copy the table
        # and drop the old one, which the windows' events refer to.
        op.execute(
            f"ALTER TABLE service_windows ADD COLUMN change_id INTEGER "
            f"CONSTRAINT {name} REFERENCES changes (id)"
        )
    else:
        op.add_column(
            "service_windows",
            sa.Column("change_id", sa.Integer(), nullable=True, comment=WINDOW_CHANGE),
        )
        op.create_foreign_key(name, "service_windows", "changes", ["change_id"], ["id"])
    op.create_index(
        op.f("ix_service_windows_change_id"), "service_windows", ["change_id"], unique=False
    )
