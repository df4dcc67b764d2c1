"""join the branches of delivery, status and escalation

Revision ID: 0006
Revises: 0005_delivery, 0005_status, 0005_escalation
"""

from __future__ import annotations

revision = "0006"
down_revision = ("0005_delivery", "0005_status", "0005_escalation")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: this revision only makes the history one line again."""


def downgrade() -> None:
    """Nothing to change."""
