"""escalations and post-review reports

Revision ID: 0005_escalation
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import stabil.db.types

revision = "0005_escalation"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("timer", sa.String(length=32), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False, comment="warning or breach"),
        sa.Column(
            "kind", sa.String(length=16), nullable=False, comment="functional or hierarchical"
        ),
        sa.Column(
            "reached_at",
            stabil.db.types.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the threshold was reached.",
        ),
        sa.Column("recorded_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "deliver_after",
            stabil.db.types.UTCDateTime(timezone=True),
            nullable=False,
            comment="Its notifications wait for the rule's hours.",
        ),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_escalations_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
        sa.UniqueConstraint(
            "incident_id", "timer", "rule", "stage", name=op.f("uq_escalations_incident_id")
        ),
    )
    op.create_index(op.f("ix_escalations_incident_id"), "escalations", ["incident_id"])
    op.create_table(
        "major_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("due_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("report", sa.Text(), nullable=False, comment="Markdown."),
        sa.Column(
            "actions",
            sa.JSON(),
            nullable=False,
            comment="[{text, owner, done}]: what is to change after it.",
        ),
        sa.Column("submitted_at", stabil.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_major_reviews_incident_id_incidents")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["users.id"], name=op.f("fk_major_reviews_submitted_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_major_reviews")),
        sa.UniqueConstraint("incident_id", name=op.f("uq_major_reviews_incident_id")),
    )


def downgrade() -> None:
    op.drop_table("major_reviews")
    op.drop_index(op.f("ix_escalations_incident_id"), table_name="escalations")
    op.drop_table("escalations")
