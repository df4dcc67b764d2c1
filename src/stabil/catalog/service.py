"""Loading declarations into the catalogue and finding the version in force."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from stabil.catalog.models import DeclarationVersion, Service
from stabil.declaration import Declaration, parse_declaration
from stabil.errors import Invalid, NotFound


class LoadOutcome(StrEnum):
    created = "created"  # a new service with its first version
    added = "added"  # a new version of a known service
    unchanged = "unchanged"  # this exact version was loaded before


class VersionConflict(Exception):
    """The same version number was loaded before with different content."""


@dataclass(frozen=True, slots=True)
class LoadResult:
    service: str
    version: str
    outcome: LoadOutcome


def load_declaration_text(session: Session, text: str, filename: str) -> LoadResult:
    """Store a declaration as the service its metadata names; versions are never rewritten.

    Raises DeclarationInvalid for a broken file and VersionConflict when the version exists
    with other content (a changed declaration needs a new version and history entry, R1.3).
    """
    return store_declaration(session, parse_declaration(text, filename), text, filename)


def store_declaration(
    session: Session, declaration: Declaration, text: str, filename: str
) -> LoadResult:
    """`load_declaration_text` for a declaration parsed from `text` already."""
    digest = hashlib.sha256(text.encode()).hexdigest()
    service = session.scalar(select(Service).where(Service.key == declaration.key))
    outcome = LoadOutcome.added
    if service is None:
        service = Service(key=declaration.key, name_da="", name_en=None)
        session.add(service)
        outcome = LoadOutcome.created
    existing = (
        session.scalar(
            select(DeclarationVersion).where(
                DeclarationVersion.service_id == service.id,
                DeclarationVersion.version == declaration.version,
            )
        )
        if service.id is not None
        else None
    )
    if existing is not None:
        if existing.digest != digest:
            raise VersionConflict(
                f"{filename}: version {declaration.version} of {declaration.key} is already "
                "loaded with other content (raise metadata.version and add a history entry)"
            )
        return LoadResult(declaration.key, declaration.version, LoadOutcome.unchanged)
    service.name_da = declaration.metadata.name.da
    service.name_en = declaration.metadata.name.en
    session.add(
        DeclarationVersion(
            service=service,
            version=declaration.version,
            effective=declaration.metadata.effective,
            digest=digest,
            source_text=text,
            content=declaration.model_dump(mode="json"),
        )
    )
    session.flush()
    return LoadResult(declaration.key, declaration.version, outcome)


def list_services(session: Session) -> list[Service]:
    return list(session.scalars(select(Service).order_by(Service.key)))


def unknown_service(session: Session, key: str) -> Invalid:
    """The refusal of a service key that names no service, listing those that exist."""
    known = ", ".join(service.key for service in list_services(session)) or "none"
    return Invalid("service", "no service is named {key!r} (known: {known})", key=key, known=known)


def service_named(session: Session, key: str) -> Service:
    service = session.scalar(select(Service).where(Service.key == key))
    if service is None:
        raise unknown_service(session, key)
    return service


def version_named(session: Session, service_key: str, on: dt.date) -> DeclarationVersion:
    """The version of the service in force on `on`; refused when no service has the key."""
    stored = version_in_force(session, service_key, on)
    if stored is None:
        raise unknown_service(session, service_key)
    return stored


def version_asked(
    session: Session, service_key: str, version: str | None, on: dt.date
) -> DeclarationVersion:
    """The version named `version`, or without one the version in force on `on`; NotFound
    when there is no such service or version."""
    stored = version_in_force(session, service_key, on)
    if stored is None:
        raise NotFound("no service is named {key!r}", key=service_key)
    if version is None:
        return stored
    for candidate in stored.service.versions:
        if candidate.version == version:
            return candidate
    known = ", ".join(candidate.version for candidate in stored.service.versions)
    raise NotFound(
        "{service} has no version {version!r} (known: {known})",
        service=service_key,
        version=version,
        known=known,
    )


def version_in_force(session: Session, service_key: str, on: dt.date) -> DeclarationVersion | None:
    """The version with the latest effective date on or before `on`, else the earliest one."""
    versions = session.scalars(
        select(DeclarationVersion)
        .join(Service)
        .options(contains_eager(DeclarationVersion.service))
        .where(Service.key == service_key)
        .order_by(DeclarationVersion.effective, DeclarationVersion.id)
    ).all()
    return _in_force(list(versions), on) if versions else None


def versions_in_force(session: Session, on: dt.date) -> list[DeclarationVersion]:
    """The version in force on `on` of every service, by key, in one statement."""
    versions = session.scalars(
        select(DeclarationVersion)
        .join(Service)
        .options(contains_eager(DeclarationVersion.service))
        .order_by(Service.key, DeclarationVersion.effective, DeclarationVersion.id)
    ).all()
    by_service: dict[str, list[DeclarationVersion]] = {}
    for version in versions:
        by_service.setdefault(version.service.key, []).append(version)
    return [_in_force(items, on) for items in by_service.values()]


def _in_force(versions: list[DeclarationVersion], on: dt.date) -> DeclarationVersion:
    """Of one service's versions (at least one) by effective date: the latest in force on
    `on`, else the earliest."""
    in_force = [version for version in versions if version.effective <= on]
    return in_force[-1] if in_force else versions[0]


_PARSED: dict[str, Declaration] = {}
_PARSED_LOCK = threading.Lock()


def declaration_of(version: DeclarationVersion) -> Declaration:
    """The parsed declaration of a stored version.

    Versions never change, so each is parsed once per process, keyed by its digest; the
    source text (a deferred column) is read from the database only on that first use.
    """
    parsed = _PARSED.get(version.digest)
    if parsed is None:
        parsed = parse_declaration(version.source_text, f"<stored {version.digest[:12]}>")
        with _PARSED_LOCK:
            parsed = _PARSED.setdefault(version.digest, parsed)
    return parsed
