"""withdrawn escalations; a share of users affected that was not given

Revision ID: 0008_notifications
Revises: 0007_note_visibility
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import stabil.db.types

revision = "0008_notifications"
down_revision = "0007_note_visibility"
branch_labels = None
depends_on = None

SHARE_COMMENT = "Share of the usual users affected; null when the report did not say."


def upgrade() -> None:
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "withdrawn_at",
                stabil.db.types.UTCDateTime(timezone=True),
                nullable=True,
                comment="When the history, as corrected, showed it never happened; it then "
                "counts nowhere. The row stays, as history does.",
            )
        )
    _share_nullable(True)


def downgrade() -> None:
    # A share that was not given becomes 0 %, as it was stored before.
    op.execute(
        "UPDATE incidents SET users_affected_percent = 0 WHERE users_affected_percent IS NULL"
    )
    _share_nullable(False)
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")


def _share_nullable(nullable: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column(
            "incidents",
            "users_affected_percent",
            existing_type=sa.Float(),
            nullable=nullable,
            comment=SHARE_COMMENT if nullable else None,
        )
        return
    # SQLite changes a column by copying the table, and dropping a table that other tables
    # refer to fails while foreign keys are enforced (they cannot be switched off inside the
    # migration's transaction). So the rows are set aside first, with the checks deferred to
    # the commit, and put back into the new table, which satisfies them again.
    bind = op.get_bind()
    bind.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    bind.exec_driver_sql("CREATE TEMP TABLE incidents_kept AS SELECT * FROM incidents")
    bind.exec_driver_sql("DELETE FROM incidents")
    with op.batch_alter_table("incidents", schema=None, recreate="always") as batch_op:
        batch_op.alter_column(
            "users_affected_percent",
            existing_type=sa.Float(),
            nullable=nullable,
            comment=SHARE_COMMENT if nullable else None,
        )
    bind.exec_driver_sql("INSERT INTO incidents SELECT * FROM incidents_kept")
    bind.exec_driver_sql("DROP TABLE incidents_kept")
