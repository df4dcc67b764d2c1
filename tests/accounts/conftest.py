"""Cheap password hashing for every accounts test (the cast and client come from tests/)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.cast import cheap_hashing


@pytest.fixture(autouse=True)
def _cheap_hashing() -> Iterator[None]:
    with cheap_hashing():
        yield
