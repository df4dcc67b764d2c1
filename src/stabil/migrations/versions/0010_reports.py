"""incident_timers.decided_at: when a compliance report counts a timer (R7.5, R7.6), and the
indexes that keep a report's queries within its period

Revision ID: 0010_reports
Revises: 0009_subscriptions
Create Date: 2026-12-02 05:20:00

A timer belongs to the month in which it was met (its stop) or missed (the instant it passed
its target, even when it stopped in a later month). Kept with the timer by
desk.history.refresh_timers; an index finds a month's timers without reading the others.
Existing rows get their stop when met and their last deadline when missed; the next change of
an incident recomputes its timers exactly.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import stabil.db.types

revision = "0010_reports"
down_revision = "0009_subscriptions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incident_timers") as table:
        table.add_column(
            sa.Column(
                "decided_at",
                stabil.db.types.UTCDateTime(timezone=True),
                nullable=True,
                comment="When reports count it: its stop when met, when it passed its target "
                "when missed; null while it runs within its target (R7.5, R7.6).",
            )
        )
        table.create_index("ix_incident_timers_decided_at", ["decided_at"])
        table.create_index("ix_incident_timers_kind_stopped_at", ["kind", "stopped_at"])
    with op.batch_alter_table("incidents") as table:
        table.create_index("ix_incidents_service_detected", ["service_id", "detected_at"])
        table.create_index("ix_incidents_service_state_since", ["service_id", "state_since"])
    with op.batch_alter_table("escalations") as table:
        table.create_index("ix_escalations_reached_at", ["reached_at"])
    with op.batch_alter_table("major_reviews") as table:
        table.create_index("ix_major_reviews_due_at", ["due_at"])
    op.execute(
        "UPDATE incident_timers SET decided_at = CASE WHEN met THEN stopped_at ELSE due_at END "
        "WHERE NOT running"
    )


def downgrade() -> None:
    with op.batch_alter_table("incident_timers") as table:
        table.drop_index("ix_incident_timers_kind_stopped_at")
    with op.batch_alter_table("major_reviews") as table:
        table.drop_index("ix_major_reviews_due_at")
    with op.batch_alter_table("escalations") as table:
        table.drop_index("ix_escalations_reached_at")
    with op.batch_alter_table("incidents") as table:
        table.drop_index("ix_incidents_service_state_since")
        table.drop_index("ix_incidents_service_detected")
    with op.batch_alter_table("incident_timers") as table:
        table.drop_index("ix_incident_timers_decided_at")
        table.drop_column("decided_at")
