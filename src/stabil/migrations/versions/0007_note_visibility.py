"""who may read a note on an incident's timeline

Revision ID: 0007_note_visibility
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_note_visibility"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incident_events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "note_visibility",
                sa.String(length=16),
                nullable=True,
                comment="internal or shared, for a note; who may read it.",
            )
        )
        batch_op.create_check_constraint(
            op.f("ck_incident_events_note_visibility"),
            "note_visibility IN ('internal', 'shared')",
        )
    # Nobody marked the notes written before the choice existed for the authority, so they
    # stay with the desk and the supplier: the reading that cannot leak.
    op.execute("UPDATE incident_events SET note_visibility = 'internal' WHERE note IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("incident_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_incident_events_note_visibility"), type_="check")
        batch_op.drop_column("note_visibility")
