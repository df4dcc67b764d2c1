"""Watch: monitors, the log of state intervals, probe results (R3)

Revision ID: 0008_watch
Revises: 0007_releases
Create Date: 2026-12-01 22:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import stabil.db.types

revision = "0008_watch"
down_revision = "0007_releases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column(
            "part",
            sa.String(length=64),
            nullable=True,
            comment="A part of the service the declaration names; none: the service.",
        ),
        sa.Column(
            "kind",
            sa.String(length=16),
            nullable=False,
            comment="http, tcp, heartbeat or external.",
        ),
        sa.Column(
            "target",
            sa.String(length=2048),
            nullable=True,
            comment="The URL (http) or host:port (tcp) probed; none for the others.",
        ),
        sa.Column(
            "expected_status",
            sa.JSON(),
            nullable=False,
            comment="HTTP status codes that count as up; empty: any below 400.",
        ),
        sa.Column("body_text", sa.String(length=500), nullable=True),
        sa.Column("body_regex", sa.String(length=500), nullable=True),
        sa.Column(
            "degraded_ms",
            sa.Integer(),
            nullable=True,
            comment="Answers slower than this many milliseconds are degraded.",
        ),
        sa.Column(
            "tls_warn_days",
            sa.Integer(),
            nullable=True,
            comment="Warn when the certificate expires within this many days.",
        ),
        sa.Column("interval_seconds", sa.Integer(), nullable=False),
        sa.Column("timeout_seconds", sa.Float(), nullable=False),
        sa.Column(
            "fail_after",
            sa.Integer(),
            nullable=False,
            comment="Consecutive failed probes before the state is down (or degraded).",
        ),
        sa.Column(
            "recover_after",
            sa.Integer(),
            nullable=False,
            comment="Consecutive good probes before the state is up again.",
        ),
        sa.Column(
            "grace_seconds",
            sa.Integer(),
            nullable=False,
            comment="Heartbeat: how late a call may be before it is missed.",
        ),
        sa.Column(
            "token_digest",
            sa.String(length=64),
            nullable=True,
            comment="Heartbeat: SHA-256 of the token the system calls with.",
        ),
        sa.Column(
            "labels",
            sa.JSON(),
            nullable=False,
            comment="External: the alert labels that name this monitor (all must match).",
        ),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column(
            "state_since",
            stabil.db.types.UTCDateTime(timezone=True),
            nullable=False,
            comment="Start of the interval still running; it is logged when the state changes.",
        ),
        sa.Column("state_source", sa.String(length=16), nullable=False),
        sa.Column("state_evidence", sa.JSON(), nullable=False),
        sa.Column("last_heartbeat_at", stabil.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            nullable=True,
            comment="The incident the current outage opened or joined.",
        ),
        sa.Column("created_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "removed_at",
            stabil.db.types.UTCDateTime(timezone=True),
            nullable=True,
            comment="Removed monitors are kept: their intervals are part of the figures.",
        ),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_monitors_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_monitors_incident_id_incidents")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_monitors_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitors")),
        sa.UniqueConstraint("key", name=op.f("uq_monitors_key")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_monitors_token_digest")),
    )
    with op.batch_alter_table("monitors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitors_service_id"), ["service_id"], unique=False)

    op.create_table(
        "monitor_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("monitor_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_monitor_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["monitor_id"], ["monitors.id"], name=op.f("fk_monitor_events_monitor_id_monitors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitor_events")),
        sa.UniqueConstraint("monitor_id", "seq", name=op.f("uq_monitor_events_monitor_id")),
    )
    with op.batch_alter_table("monitor_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_monitor_events_monitor_id"), ["monitor_id"], unique=False
        )

    op.create_table(
        "probe_results",
        sa.Column("monitor_id", sa.Integer(), nullable=False),
        sa.Column("at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=False, comment="up, degraded or down."),
        sa.Column("latency_ms", sa.Integer(), nullable=True),
        sa.Column("status_code", sa.SmallInteger(), nullable=True),
        sa.Column(
            "error", sa.String(length=300), nullable=True, comment="Why it failed, in English."
        ),
        sa.Column(
            "reason",
            sa.JSON(),
            nullable=True,
            comment="The same as a template and its values, for a page to translate.",
        ),
        sa.ForeignKeyConstraint(
            ["monitor_id"], ["monitors.id"], name=op.f("fk_probe_results_monitor_id_monitors")
        ),
        sa.PrimaryKeyConstraint("monitor_id", "at", name=op.f("pk_probe_results")),
    )
    op.create_table(
        "watch_intervals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(length=64), nullable=True),
        sa.Column("monitor_id", sa.Integer(), nullable=True),
        sa.Column("start", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column(
            "evidence",
            sa.JSON(),
            nullable=False,
            comment="What showed the state: status code, error, latency, alert.",
        ),
        sa.Column("reason", sa.Text(), nullable=True, comment="Why, for a manual entry."),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_watch_intervals_incident_id_incidents")
        ),
        sa.ForeignKeyConstraint(
            ["monitor_id"], ["monitors.id"], name=op.f("fk_watch_intervals_monitor_id_monitors")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_watch_intervals_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_watch_intervals_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_intervals")),
    )
    with op.batch_alter_table("watch_intervals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_watch_intervals_monitor_start", ["monitor_id", "start"], unique=False
        )
        batch_op.create_index(
            "ix_watch_intervals_service_start", ["service_id", "start"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("watch_intervals", schema=None) as batch_op:
        batch_op.drop_index("ix_watch_intervals_service_start")
        batch_op.drop_index("ix_watch_intervals_monitor_start")

    op.drop_table("watch_intervals")
    op.drop_table("probe_results")
    with op.batch_alter_table("monitor_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitor_events_monitor_id"))

    op.drop_table("monitor_events")
    with op.batch_alter_table("monitors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitors_service_id"))

    op.drop_table("monitors")
