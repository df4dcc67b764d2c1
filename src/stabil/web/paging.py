"""The page number of a list page's address (`?page=`), as text: `Paging.of` reads it, since
a page answers a mistyped number with its first page rather than with a JSON error."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from stabil.db.paging import Paging

PageNumber = Annotated[str, Query(alias="page")]

__all__ = ["PageNumber", "Paging"]
