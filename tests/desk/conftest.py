"""The desk's tests run with the Borger.dk service loaded and the named cast in place."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from stabil.catalog.service import load_declaration_text
from tests.conftest import BORGER_DK, EXAMPLE


@pytest.fixture
def services(session: Session) -> None:
    for path in (BORGER_DK, EXAMPLE):
        load_declaration_text(session, path.read_text(encoding="utf-8"), path.name)
    session.commit()  # ends a savepoint only: a refused request must not undo this setup
