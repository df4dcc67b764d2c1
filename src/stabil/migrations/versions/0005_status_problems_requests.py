"""status messages, subscribers, webhooks, problems and service requests

Revision ID: 0005_status
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import stabil.db.types

revision = "0005_status"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
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
    with op.batch_alter_table("problems", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_problems_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_problems_state"), ["state"], unique=False)

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
    with op.batch_alter_table("service_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_requests_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_service_requests_state"), ["state"], unique=False)

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
    with op.batch_alter_table("status_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_status_messages_service_id_posted_at", ["service_id", "posted_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_status_messages_state"), ["state"], unique=False)

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
    with op.batch_alter_table("status_webhooks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_status_webhooks_service_id"), ["service_id"], unique=False
        )

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
    with op.batch_alter_table("problem_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_problem_events_problem_id"), ["problem_id"], unique=False
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
    with op.batch_alter_table("problem_incidents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_problem_incidents_incident_id"), ["incident_id"], unique=False
        )

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
    with op.batch_alter_table("service_request_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_request_events_request_id"), ["request_id"], unique=False
        )

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
    with op.batch_alter_table("status_message_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_status_message_entries_message_id"), ["message_id"], unique=False
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
    with op.batch_alter_table("status_message_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_status_message_events_message_id"), ["message_id"], unique=False
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
    with op.batch_alter_table("status_message_incidents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_status_message_incidents_incident_id"), ["incident_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("status_message_incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_message_incidents_incident_id"))

    op.drop_table("status_message_incidents")
    with op.batch_alter_table("status_message_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_message_events_message_id"))

    op.drop_table("status_message_events")
    with op.batch_alter_table("status_message_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_message_entries_message_id"))

    op.drop_table("status_message_entries")
    with op.batch_alter_table("service_request_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_request_events_request_id"))

    op.drop_table("service_request_events")
    with op.batch_alter_table("problem_incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_problem_incidents_incident_id"))

    op.drop_table("problem_incidents")
    with op.batch_alter_table("problem_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_problem_events_problem_id"))

    op.drop_table("problem_events")
    with op.batch_alter_table("status_webhooks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_webhooks_service_id"))

    op.drop_table("status_webhooks")
    op.drop_table("status_subscribers")
    with op.batch_alter_table("status_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_messages_state"))
        batch_op.drop_index("ix_status_messages_service_id_posted_at")

    op.drop_table("status_messages")
    with op.batch_alter_table("service_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_requests_state"))
        batch_op.drop_index(batch_op.f("ix_service_requests_organisation_id"))

    op.drop_table("service_requests")
    with op.batch_alter_table("problems", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_problems_state"))
        batch_op.drop_index(batch_op.f("ix_problems_owner_id"))

    op.drop_table("problems")
    op.drop_table("service_request_sequences")
    op.drop_table("problem_sequences")
