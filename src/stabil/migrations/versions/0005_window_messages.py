"""A service window's operational message (R12.2)

Revision ID: 0005_window_messages
Revises: 0004_service_windows
Create Date: 2026-12-01 19:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_window_messages"
down_revision = "0004_service_windows"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Batch mode: SQLite cannot add a foreign key to an existing table in place.
    with op.batch_alter_table("service_windows") as batch:
        batch.add_column(
            sa.Column(
                "message_id",
                sa.Integer(),
                nullable=True,
                comment="The operational message that announced the window and tells of it "
                "(R12.2).",
            )
        )
        batch.create_foreign_key(
            op.f("fk_service_windows_message_id_status_messages"),
            "status_messages",
            ["message_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("service_windows") as batch:
        batch.drop_constraint(
            op.f("fk_service_windows_message_id_status_messages"), type_="foreignkey"
        )
        batch.drop_column("message_id")
