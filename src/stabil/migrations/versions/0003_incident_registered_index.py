"""An index on incidents (registered_at, id): the API's list, newest first

Revision ID: 0003_incident_registered_index
Revises: 0002_incident_next_due
Create Date: 2026-12-01 17:05:00

`GET /api/v1/incidents` lists the newest first; without the index every page sorted all the
incidents (150 ms a page with 100,000 of them).
"""

from __future__ import annotations

from alembic import op

revision = "0003_incident_registered_index"
down_revision = "0002_incident_next_due"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_incidents_registered", "incidents", ["registered_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_incidents_registered", table_name="incidents")
