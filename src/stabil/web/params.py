"""Query and path parameters the routers share, bounded so that no number reaches the
database that it cannot hold: a larger offset or id would overflow its integer there."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

# Ids are 32-bit integers in every database, and no table holds more rows than that.
MAX_ROW = 2**31 - 1

Limit = Annotated[int, Query(ge=1, le=200, description="How many to answer, 1 to 200.")]
Offset = Annotated[int, Query(ge=0, le=MAX_ROW, description="How many to skip.")]
RowId = Annotated[int, Path(ge=1, le=MAX_ROW)]
