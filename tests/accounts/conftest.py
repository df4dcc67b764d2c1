"""Cheap password hashing for every accounts test, the cast, and the app client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from tests.cast import Cast, cheap_hashing, make_cast
from tests.web.conftest import client

__all__ = ["client"]  # the web tests' client, whose requests use the test's session


@pytest.fixture(autouse=True)
def _cheap_hashing() -> Iterator[None]:
    with cheap_hashing():
        yield


@pytest.fixture
def cast(session: Session) -> Cast:
    return make_cast(session)
