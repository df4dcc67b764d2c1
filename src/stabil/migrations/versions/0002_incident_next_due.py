"""incidents.next_due_at: the earliest due time of an incident's running timers

Revision ID: 0002_incident_next_due
Revises: 0001_baseline
Create Date: 2026-12-01 14:35:00

The desk's queue lists open incidents by what is due first; with the earliest due time on the
incident itself, an index gives that order without aggregating every timer on each request.
Existing incidents get it from their stored timers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import stabil.db.types

revision = "0002_incident_next_due"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as table:
        table.add_column(
            sa.Column(
                "next_due_at",
                stabil.db.types.UTCDateTime(timezone=True),
                nullable=True,
                comment="The earliest due time of its running timers, for the queue's order; "
                "null when none runs. Kept with the timers (desk.history.refresh_timers).",
            )
        )
        table.create_index("ix_incidents_next_due_at", ["next_due_at"])
    op.execute(
        "UPDATE incidents SET next_due_at = (SELECT min(t.due_at) FROM incident_timers t "
        "WHERE t.incident_id = incidents.id AND t.running)"
    )


def downgrade() -> None:
    with op.batch_alter_table("incidents") as table:
        table.drop_index("ix_incidents_next_due_at")
        table.drop_column("next_due_at")
