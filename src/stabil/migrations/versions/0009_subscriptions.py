"""Self-service subscriptions: each subscriber's parts, types, language and last mail (R10.2)

Revision ID: 0009_subscriptions
Revises: 0008_watch
Create Date: 2026-12-02 02:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import stabil.db.types

revision = "0009_subscriptions"
down_revision = "0008_watch"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The defaults let the rows that admins added stay as they were: every part, every type.
    with op.batch_alter_table("status_subscribers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "parts",
                sa.JSON(),
                server_default=sa.text("'[]'"),
                nullable=False,
                comment="Keys of the declaration's parts it hears of; empty: all of them.",
            )
        )
        batch_op.add_column(
            sa.Column(
                "types",
                sa.JSON(),
                server_default=sa.text("'[]'"),
                nullable=False,
                comment="Message types it hears of; empty: all of them.",
            )
        )
        batch_op.add_column(
            sa.Column(
                "language",
                sa.String(length=2),
                server_default="da",
                nullable=False,
                comment="da or en: its pages and mails.",
            )
        )
        batch_op.add_column(
            sa.Column(
                "mailed_at",
                stabil.db.types.UTCDateTime(timezone=True),
                nullable=True,
                comment="When a sign-up last had a link mailed to it: one mail per rate window.",
            )
        )
        batch_op.create_index(
            batch_op.f("ix_status_subscribers_mailed_at"), ["mailed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("status_subscribers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_subscribers_mailed_at"))
        batch_op.drop_column("mailed_at")
        batch_op.drop_column("language")
        batch_op.drop_column("types")
        batch_op.drop_column("parts")
