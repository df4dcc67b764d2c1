"""baseline: every table as the models describe it

Revision ID: 0001_baseline
Revises:
Create Date: 2026-12-01 12:03:55.200521

Before the first release this one revision replaced the history that had grown until then
(0001 to 0008, with a fork at 0005). A database made by those revisions is not known to
this history and must be made anew (docs/operations.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import stabil.db.types

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None

# Every table, each after those it refers to.
TABLES = (
    "services",
    "declaration_versions",
    "organisations",
    "users",
    "api_tokens",
    "browser_sessions",
    "idempotency_records",
    "outbox",
    "jobs",
    "incident_sequences",
    "incidents",
    "incident_events",
    "incident_timers",
    "escalations",
    "major_reviews",
    "problem_sequences",
    "problems",
    "problem_events",
    "problem_incidents",
    "service_request_sequences",
    "service_requests",
    "service_request_events",
    "status_messages",
    "status_message_entries",
    "status_message_events",
    "status_message_incidents",
    "status_subscribers",
    "status_webhooks",
)


def upgrade() -> None:
    _catalogue()
    _accounts()
    _idempotency()
    _outbox_and_jobs()
    _desk()
    _problems()
    _requests()
    _status()
    _subscriptions()


def downgrade() -> None:
    # Dropping a table drops its indexes too.
    for table in reversed(TABLES):
        op.drop_table(table)


def _catalogue() -> None:
    """The service catalogue: each service and every version of its declaration."""
    op.create_table(
        "services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name_da", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=True),
        sa.Column("created_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_services")),
        sa.UniqueConstraint("key", name=op.f("uq_services_key")),
    )
    op.create_table(
        "declaration_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("loaded_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_declaration_versions_service_id_services"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declaration_versions")),
        sa.UniqueConstraint(
            "service_id", "version", name=op.f("uq_declaration_versions_service_id")
        ),
    )
    op.create_index(
        op.f("ix_declaration_versions_service_id"),
        "declaration_versions",
        ["service_id"],
        unique=False,
    )


def _accounts() -> None:
    """Organisations, users, their API tokens and their browser sessions."""
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "agency",
                "supplier",
                "authority",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("created_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("key", name=op.f("uq_organisations_key")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=True),
        sa.Column(
            "role",
            sa.Enum(
                "admin",
                "operator",
                "supplier",
                "authority",
                "viewer",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role NOT IN ('supplier', 'authority') OR organisation_id IS NOT NULL",
            name=op.f("ck_users_organisation_for_role"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_users_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_index(op.f("ix_users_organisation_id"), "users", ["organisation_id"], unique=False)
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", stabil.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", stabil.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("digest", name=op.f("uq_api_tokens_digest")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"], unique=False)
    op.create_table(
        "browser_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_browser_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_browser_sessions")),
        sa.UniqueConstraint("digest", name=op.f("uq_browser_sessions_digest")),
    )
    op.create_index(
        op.f("ix_browser_sessions_expires_at"), "browser_sessions", ["expires_at"], unique=False
    )
    op.create_index(
        op.f("ix_browser_sessions_user_id"), "browser_sessions", ["user_id"], unique=False
    )


def _idempotency() -> None:
    """The answers kept for requests that carried an Idempotency-Key."""
    op.create_table(
        "idempotency_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("created_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_idempotency_records_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_records")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_idempotency_records_user_id")),
    )


def _outbox_and_jobs() -> None:
    """What waits to be sent, and the work that falls due."""
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column(
            "recipient", sa.String(length=2000), nullable=False, comment="E-mail address or URL."
        ),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False, comment="Plain text of an e-mail."),
        sa.Column(
            "payload",
            sa.JSON(),
            nullable=False,
            comment="JSON body of a webhook; extra data of an e-mail.",
        ),
        sa.Column(
            "signing_key",
            sa.String(length=200),
            nullable=True,
            comment="Secret a webhook's body is signed with (HMAC-SHA256).",
        ),
        sa.Column(
            "message_id",
            sa.String(length=200),
            nullable=False,
            comment="Fixed when written, so a re-sent mail keeps it.",
        ),
        sa.Column("dedupe_key", sa.String(length=300), nullable=True),
        sa.Column(
            "subject_kind", sa.String(length=32), nullable=False, comment="incident, message, ..."
        ),
        sa.Column("subject_key", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("deliver_after", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "claimed_until",
            stabil.db.types.UTCDateTime(timezone=True),
            nullable=True,
            comment="A worker is delivering it until then; after that another may try again.",
        ),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("sent_at", stabil.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_dedupe_key")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_message_id")),
    )
    op.create_index(
        "ix_outbox_state_deliver_after", "outbox", ["state", "deliver_after"], unique=False
    )
    op.create_index(op.f("ix_outbox_subject_key"), "outbox", ["subject_key"], unique=False)
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column(
            "subject_key",
            sa.String(length=64),
            nullable=False,
            comment="What the job is about, e.g. an incident key.",
        ),
        sa.Column(
            "dedupe_key",
            sa.String(length=300),
            nullable=False,
            comment="The same work is scheduled, and done, only once.",
        ),
        sa.Column("run_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", stabil.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_jobs_dedupe_key")),
    )
    op.create_index("ix_jobs_state_run_at", "jobs", ["state", "run_at"], unique=False)
    op.create_index(op.f("ix_jobs_subject_key"), "jobs", ["subject_key"], unique=False)


def _desk() -> None:
    """The incident desk: incidents, their history, timers, escalations and reviews."""
    op.create_table(
        "incident_sequences",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_incident_sequences_service_id_services")
        ),
        sa.PrimaryKeyConstraint("service_id", "year", name=op.f("pk_incident_sequences")),
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("declaration_version_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.Column("reporter_organisation_id", sa.Integer(), nullable=True),
        sa.Column("reporter_name", sa.String(length=200), nullable=True),
        sa.Column("detected_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("registered_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "users_affected_percent",
            sa.Float(),
            nullable=True,
            comment="Share of the usual users affected; null when the report did not say.",
        ),
        sa.Column("security_breach", sa.Boolean(), nullable=False),
        sa.Column("legal_breach", sa.Boolean(), nullable=False),
        sa.Column("workaround", sa.Boolean(), nullable=False),
        sa.Column("central_function", sa.Boolean(), nullable=False),
        sa.Column("suggested_priority", sa.Integer(), nullable=False),
        sa.Column("suggestion_reason", sa.Text(), nullable=False),
        sa.Column("suggestion_reason_da", sa.Text(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("priority_reason", sa.Text(), nullable=True),
        sa.Column("responsible", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column(
            "state_since",
            stabil.db.types.UTCDateTime(timezone=True),
            nullable=False,
            comment="Effective time of the latest transition; a later one may not be earlier.",
        ),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["declaration_version_id"],
            ["declaration_versions.id"],
            name=op.f("fk_incidents_declaration_version_id_declaration_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["party_id"], ["organisations.id"], name=op.f("fk_incidents_party_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"], ["users.id"], name=op.f("fk_incidents_reported_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["reporter_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_incidents_reporter_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_incidents_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
        sa.UniqueConstraint("key", name=op.f("uq_incidents_key")),
        sa.UniqueConstraint("service_id", "year", "number", name=op.f("uq_incidents_service_id")),
    )
    op.create_index(op.f("ix_incidents_party_id"), "incidents", ["party_id"], unique=False)
    op.create_index(op.f("ix_incidents_priority"), "incidents", ["priority"], unique=False)
    op.create_index(op.f("ix_incidents_state"), "incidents", ["state"], unique=False)
    op.create_table(
        "incident_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("effective_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "note_visibility",
            sa.String(length=16),
            nullable=True,
            comment="internal or shared, for a note; who may read it.",
        ),
        sa.CheckConstraint(
            "note_visibility IN ('internal', 'shared')",
            name=op.f("ck_incident_events_note_visibility"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_incident_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_incident_events_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_events")),
        sa.UniqueConstraint("incident_id", "seq", name=op.f("uq_incident_events_incident_id")),
    )
    op.create_index(
        op.f("ix_incident_events_incident_id"), "incident_events", ["incident_id"], unique=False
    )
    op.create_table(
        "incident_timers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("calendar", sa.String(length=64), nullable=False),
        sa.Column("target_seconds", sa.Float(), nullable=False),
        sa.Column("started_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("running", sa.Boolean(), nullable=False),
        sa.Column(
            "run_started_at",
            stabil.db.types.UTCDateTime(timezone=True),
            nullable=True,
            comment="Start of the current run; with completed_seconds it gives the time used now.",
        ),
        sa.Column(
            "completed_seconds",
            sa.Float(),
            nullable=False,
            comment="Service time of the runs that have ended.",
        ),
        sa.Column("due_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", stabil.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("met", sa.Boolean(), nullable=True),
        sa.Column("excluded", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_incident_timers_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_timers")),
        sa.UniqueConstraint("incident_id", "kind", name=op.f("uq_incident_timers_incident_id")),
    )
    op.create_index(
        "ix_incident_timers_running_due", "incident_timers", ["running", "due_at"], unique=False
    )
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
        sa.Column(
            "withdrawn_at",
            stabil.db.types.UTCDateTime(timezone=True),
            nullable=True,
            comment="When the history, as corrected, showed it never happened; it then "
            "counts nowhere. The row stays, as history does.",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_escalations_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
        sa.UniqueConstraint(
            "incident_id", "timer", "rule", "stage", name=op.f("uq_escalations_incident_id")
        ),
    )
    op.create_index(
        op.f("ix_escalations_incident_id"), "escalations", ["incident_id"], unique=False
    )
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


def _problems() -> None:
    """Problems and the incidents linked to them."""
    op.create_table(
        "problem_sequences",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_problem_sequences_service_id_services")
        ),
        sa.PrimaryKeyConstraint("service_id", "year", name=op.f("pk_problem_sequences")),
    )
    op.create_table(
        "problems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("root_cause", sa.Text(), nullable=False),
        sa.Column("workaround", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("state_since", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_problems_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["organisations.id"], name=op.f("fk_problems_owner_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_problems_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problems")),
        sa.UniqueConstraint("key", name=op.f("uq_problems_key")),
        sa.UniqueConstraint("service_id", "year", "number", name=op.f("uq_problems_service_id")),
    )
    op.create_index(op.f("ix_problems_owner_id"), "problems", ["owner_id"], unique=False)
    op.create_index(op.f("ix_problems_state"), "problems", ["state"], unique=False)
    op.create_table(
        "problem_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_problem_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["problem_id"], ["problems.id"], name=op.f("fk_problem_events_problem_id_problems")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problem_events")),
        sa.UniqueConstraint("problem_id", "seq", name=op.f("uq_problem_events_problem_id")),
    )
    op.create_index(
        op.f("ix_problem_events_problem_id"), "problem_events", ["problem_id"], unique=False
    )
    op.create_table(
        "problem_incidents",
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_problem_incidents_incident_id_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["problem_id"], ["problems.id"], name=op.f("fk_problem_incidents_problem_id_problems")
        ),
        sa.PrimaryKeyConstraint("problem_id", "incident_id", name=op.f("pk_problem_incidents")),
    )
    op.create_index(
        op.f("ix_problem_incidents_incident_id"), "problem_incidents", ["incident_id"], unique=False
    )


def _requests() -> None:
    """Service requests."""
    op.create_table(
        "service_request_sequences",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_service_request_sequences_service_id_services"),
        ),
        sa.PrimaryKeyConstraint("service_id", "year", name=op.f("pk_service_request_sequences")),
    )
    op.create_table(
        "service_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("declaration_version_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=True),
        sa.Column(
            "organisation_id", sa.Integer(), nullable=True, comment="The requester's organisation."
        ),
        sa.Column("requester_name", sa.String(length=200), nullable=True),
        sa.Column(
            "priority",
            sa.Integer(),
            nullable=True,
            comment="The declaration's service-request priority; none: no targets.",
        ),
        sa.Column("submitted_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("state_since", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True, comment="Why it was rejected."),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["declaration_version_id"],
            ["declaration_versions.id"],
            name=op.f("fk_service_requests_declaration_version_id_declaration_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_service_requests_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"], ["users.id"], name=op.f("fk_service_requests_requester_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_service_requests_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_requests")),
        sa.UniqueConstraint("key", name=op.f("uq_service_requests_key")),
        sa.UniqueConstraint(
            "service_id", "year", "number", name=op.f("uq_service_requests_service_id")
        ),
    )
    op.create_index(
        op.f("ix_service_requests_organisation_id"),
        "service_requests",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(op.f("ix_service_requests_state"), "service_requests", ["state"], unique=False)
    op.create_table(
        "service_request_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_service_request_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["service_requests.id"],
            name=op.f("fk_service_request_events_request_id_service_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_request_events")),
        sa.UniqueConstraint("request_id", "seq", name=op.f("uq_service_request_events_request_id")),
    )
    op.create_index(
        op.f("ix_service_request_events_request_id"),
        "service_request_events",
        ["request_id"],
        unique=False,
    )


def _status() -> None:
    """Operational messages and the incidents they are about."""
    op.create_table(
        "status_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column(
            "type",
            sa.String(length=32),
            nullable=False,
            comment="A MessageType of the declaration.",
        ),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=False, comment="Danish text as first posted."),
        sa.Column("body_en", sa.Text(), nullable=True),
        sa.Column("affected", sa.JSON(), nullable=False, comment="Affected parts of the service."),
        sa.Column("affected_users", sa.Text(), nullable=True, comment="Who and how many (R9.3)."),
        sa.Column("cause", sa.Text(), nullable=True),
        sa.Column("horizon", sa.Text(), nullable=True, comment="Expected horizon, in words."),
        sa.Column(
            "horizon_at",
            stabil.db.types.UTCDateTime(timezone=True),
            nullable=True,
            comment="Expected horizon, an instant.",
        ),
        sa.Column("posted_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("posted_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", stabil.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", stabil.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["posted_by_id"], ["users.id"], name=op.f("fk_status_messages_posted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_status_messages_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_messages")),
    )
    op.create_index(
        "ix_status_messages_service_id_posted_at",
        "status_messages",
        ["service_id", "posted_at"],
        unique=False,
    )
    op.create_index(op.f("ix_status_messages_state"), "status_messages", ["state"], unique=False)
    op.create_table(
        "status_message_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column(
            "kind", sa.String(length=16), nullable=False, comment="posted, updated or resolved."
        ),
        sa.Column("at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "type", sa.String(length=32), nullable=False, comment="The message's type at that time."
        ),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_status_message_entries_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["status_messages.id"],
            name=op.f("fk_status_message_entries_message_id_status_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_message_entries")),
        sa.UniqueConstraint("message_id", "seq", name=op.f("uq_status_message_entries_message_id")),
    )
    op.create_index(
        op.f("ix_status_message_entries_message_id"),
        "status_message_entries",
        ["message_id"],
        unique=False,
    )
    op.create_table(
        "status_message_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_status_message_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["status_messages.id"],
            name=op.f("fk_status_message_events_message_id_status_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_message_events")),
        sa.UniqueConstraint("message_id", "seq", name=op.f("uq_status_message_events_message_id")),
    )
    op.create_index(
        op.f("ix_status_message_events_message_id"),
        "status_message_events",
        ["message_id"],
        unique=False,
    )
    op.create_table(
        "status_message_incidents",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_status_message_incidents_incident_id_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["status_messages.id"],
            name=op.f("fk_status_message_incidents_message_id_status_messages"),
        ),
        sa.PrimaryKeyConstraint(
            "message_id", "incident_id", name=op.f("pk_status_message_incidents")
        ),
    )
    op.create_index(
        op.f("ix_status_message_incidents_incident_id"),
        "status_message_incidents",
        ["incident_id"],
        unique=False,
    )


def _subscriptions() -> None:
    """Who is told of operational messages: e-mail subscribers and webhooks."""
    op.create_table(
        "status_subscribers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False, comment="Stored lower-cased."),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("confirm_token", sa.String(length=64), nullable=True),
        sa.Column("unsubscribe_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", stabil.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_status_subscribers_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_status_subscribers_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_subscribers")),
        sa.UniqueConstraint("confirm_token", name=op.f("uq_status_subscribers_confirm_token")),
        sa.UniqueConstraint("service_id", "email", name=op.f("uq_status_subscribers_service_id")),
        sa.UniqueConstraint(
            "unsubscribe_token", name=op.f("uq_status_subscribers_unsubscribe_token")
        ),
    )
    op.create_table(
        "status_webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column(
            "secret",
            sa.String(length=200),
            nullable=False,
            comment="Signs each body (HMAC-SHA256); kept, since every delivery needs it.",
        ),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("created_at", stabil.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_status_webhooks_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_status_webhooks_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_webhooks")),
    )
    op.create_index(
        op.f("ix_status_webhooks_service_id"), "status_webhooks", ["service_id"], unique=False
    )
