"""Column types that keep Stabil's invariants: instants are aware and stored in UTC."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware instant, stored in UTC; SQLite keeps no offset, so it is put back on reading."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            raise ValueError(f"instants must be timezone-aware datetimes, got {value!r}")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def now_utc() -> dt.datetime:
    """The current instant, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


class epoch_micros(FunctionElement[int]):  # noqa: N801 (named like the SQL functions it is)
    """An instant column as whole microseconds since 1970 UTC, computed by the database: a
    figure over a month of one-minute rows reads 88,000 numbers instead of making as many
    datetime objects."""

    type = BigInteger()
    name = "epoch_micros"
    inherit_cache = True


@compiles(epoch_micros, "postgresql")
def _epoch_micros_postgresql(element: epoch_micros, compiler: SQLCompiler, **kw: Any) -> str:
    # EXTRACT gives an exact numeric (PostgreSQL 14 and later), so nothing is rounded.
    return (
        f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) * 1000000 AS BIGINT)"
    )


@compiles(epoch_micros, "sqlite")
def _epoch_micros_sqlite(element: epoch_micros, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps `YYYY-MM-DD HH:MM:SS.ffffff` in UTC: whole seconds, then the microseconds
    # (strftime would round a fraction of .9995 or more up to the next second).
    value = compiler.process(element.clauses, **kw)
    return (
        f"(CAST(strftime('%s', substr({value}, 1, 19)) AS INTEGER) * 1000000"
        f" + CAST(substr({value}, 21, 6) AS INTEGER))"
    )
