"""JSON routes of the service catalogue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from stabil.catalog.service import (
    declaration_of,
    list_services,
    version_asked,
    version_in_force,
)
from stabil.declaration import Declaration
from stabil.web.deps import SessionDep

router = APIRouter(prefix="/services", tags=["services"])


class VersionOut(BaseModel):
    version: str
    effective: dt.date
    loaded_at: dt.datetime


class ServiceOut(BaseModel):
    key: str
    name_da: str
    name_en: str | None
    version_in_force: str | None
    versions: list[VersionOut]


@router.get("", summary="List services and their declaration versions")
def get_services(session: SessionDep) -> list[ServiceOut]:
    today = dt.datetime.now(dt.UTC).date()
    result = []
    for service in list_services(session):
        current = version_in_force(session, service.key, today)
        result.append(
            ServiceOut(
                key=service.key,
                name_da=service.name_da,
                name_en=service.name_en,
                version_in_force=current.version if current else None,
                versions=[
                    VersionOut(version=v.version, effective=v.effective, loaded_at=v.loaded_at)
                    for v in service.versions
                ],
            )
        )
    return result


@router.get(
    "/{key}/declaration",
    summary="The declaration of a service: the version in force, or a given version",
    # The stored declaration is valid already: documented, not validated again on the way out.
    response_model=None,
    responses={200: {"model": Declaration, "description": "The declaration."}},
)
def get_declaration(key: str, session: SessionDep, version: str | None = None) -> dict[str, Any]:
    today = dt.datetime.now(dt.UTC).date()
    return declaration_of(version_asked(session, key, version, today)).model_dump(mode="json")
