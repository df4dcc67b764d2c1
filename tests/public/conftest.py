"""A renderer of the tests' own, so that publishing, storing, serving and exporting are tested
apart from how the pages look.

`PlainSite` renders each service into a small page per language, a feed, a JSON document and
the real windows' calendar, from what the database holds: the titles of the service's open
messages. Its pages link a style sheet, as the real ones do, so that an export copies it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Sequence
from html import escape
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.catalog.models import Service
from stabil.catalog.service import service_named
from stabil.public import publication
from stabil.public.publication import calendar_file
from stabil.public.site import ATOM, HTML, JSON, PublicFile, page_path
from stabil.public.snapshot import PublicState, ServiceStatus, Texts
from stabil.status.models import Message
from stabil.web.app import create_app
from tests.conftest import forget_configuration


class PlainSite:
    def __init__(self) -> None:
        self.gathered: Counter[str] = Counter()
        self.rendered: Counter[str] = Counter()

    def gather(self, session: Session, service_key: str, now: dt.datetime) -> ServiceStatus:
        self.gathered[service_key] += 1
        service = service_named(session, service_key)
        titles = open_titles(session, service)
        return ServiceStatus(
            key=service.key,
            name=Texts(service.name_da, service.name_en),
            zone="Europe/Copenhagen",
            declaration_version="test",
            generated_at=now,
            state=PublicState.major_outage if titles else PublicState.operational,
            parts=[],
            active=[],
            windows=[],
            uptime_month=f"{now:%Y-%m}",
            uptime=[],
            history=[],
        )

    def service_files(
        self, session: Session, status: ServiceStatus, base_url: str
    ) -> list[PublicFile]:
        self.rendered[status.key] += 1
        titles = open_titles(session, service_named(session, status.key))
        key = status.key
        return [
            PublicFile(page_path(f"/status/{key}"), page(status, titles, "da"), HTML),
            PublicFile(page_path(f"/en/status/{key}"), page(status, titles, "en"), HTML),
            PublicFile(f"status/{key}/feed.atom", feed(status, base_url), ATOM),
            PublicFile(f"status/{key}.json", machine(status, titles), JSON),
            calendar_file(session, status),
        ]

    def index_files(self, statuses: Sequence[ServiceStatus]) -> list[PublicFile]:
        items = "".join(f"<li>{escape(item.name.da)}: {item.state}</li>" for item in statuses)
        body = f"<!doctype html><title>Status</title><ul>{items}</ul>".encode()
        return [
            PublicFile("status/index.html", body, HTML),
            PublicFile("en/status/index.html", body.replace(b"Status", b"Status (en)"), HTML),
        ]


def open_titles(session: Session, service: Service) -> list[str]:
    return list(
        session.scalars(
            select(Message.title)
            .where(Message.service_id == service.id, Message.state == "open")
            .order_by(Message.id)
        )
    )


def page(status: ServiceStatus, titles: list[str], language: str) -> bytes:
    listed = "".join(f"<li>{escape(title)}</li>" for title in titles)
    return (
        f'<!doctype html><html lang="{language}"><head><title>{escape(status.name.da)}</title>'
        '<link rel="stylesheet" href="/static/stabil.css"></head>'
        f"<body><h1>{escape(status.name.get(language))}</h1><p>{status.state}</p>"
        f"<ul>{listed}</ul><p>{status.generated_at.isoformat()}</p></body></html>"
    ).encode()


def feed(status: ServiceStatus, base_url: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{base_url}/status/{status.key}</id><title>{escape(status.name.da)}</title></feed>"
    ).encode()


def machine(status: ServiceStatus, titles: list[str]) -> bytes:
    return json.dumps({"service": status.key, "state": status.state, "open": titles}).encode()


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> PlainSite:
    """PlainSite as the renderer every publication uses, the worker's and the export's."""
    renderer = PlainSite()
    monkeypatch.setattr(publication, "RENDERER", renderer)
    return renderer


@pytest.fixture(scope="module")
def public_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("public")


@pytest.fixture(scope="module")
def public_app(public_dir: Path) -> FastAPI:
    """An app that serves the store in `public_dir`, one per test module."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STABIL_PUBLIC_DIR", str(public_dir))
        forget_configuration()
        app = create_app()
    forget_configuration()
    return app
