"""An app whose requests use the test's session, so that all they write is rolled back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.web.app import create_app
from stabil.web.deps import get_session


@pytest.fixture
def client(session: Session) -> Iterator[TestClient]:
    app = create_app()

    def request_session() -> Iterator[Session]:
        # Like the real unit of work: commit at the end of the request, roll back on error;
        # here both act on a savepoint inside the test's transaction.
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

    app.dependency_overrides[get_session] = request_session
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
