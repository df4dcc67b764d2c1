"""Alembic environment: migrations run on the engine the caller hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

import stabil.migrations.tables  # noqa: F401  (registers every table on the metadata)
from stabil.db.base import Base
from stabil.db.engine import get_engine

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):
    engine = get_engine()

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
