"""What a publication holds: every file of a service's public site, and those of the site's index.

A service's publication is its pages (Danish and English), its Atom feeds, its JSON (Stabil's
own and Statuspage's shape) and the calendar of its windows, all rendered from one
`ServiceStatus` gathered at one instant; the site's are the index of all services and the
page that answers an address the site does not have. A `Renderer` makes them; the store, the
server and the export are the same whichever renderer they are given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy.orm import Session

from stabil.catalog.service import declaration_of, list_services, version_named
from stabil.meetings.calendar import meeting_events
from stabil.public.feeds import feed_files
from stabil.public.gather import gather
from stabil.public.machine import json_files
from stabil.public.not_found import not_found_files
from stabil.public.pages import index_files, page_files
from stabil.public.site import ICS, PublicFile
from stabil.public.snapshot import ServiceStatus
from stabil.settings import get_settings
from stabil.windows.calendar import HISTORY, calendar_of


class Renderer(Protocol):
    def gather(self, session: Session, service_key: str, now: dt.datetime) -> ServiceStatus:
        """What the public site shows of the service at `now`."""
        ...

    def service_files(
        self, session: Session, status: ServiceStatus, base_url: str
    ) -> list[PublicFile]:
        """Every file of the service's publication; links that leave the site start with
        `base_url`."""
        ...

    def index_files(self, statuses: Sequence[ServiceStatus]) -> list[PublicFile]:
        """The index pages of all services."""
        ...


class SiteRenderer:
    """The public site's own pages, feeds and JSON."""

    def gather(self, session: Session, service_key: str, now: dt.datetime) -> ServiceStatus:
        return gather(session, service_key, now)

    def service_files(
        self, session: Session, status: ServiceStatus, base_url: str
    ) -> list[PublicFile]:
        return [
            *page_files(status),
            *feed_files(status, base_url),
            *json_files(status, base_url),
            calendar_file(session, status),
        ]

    def index_files(self, statuses: Sequence[ServiceStatus]) -> list[PublicFile]:
        return index_files(list(statuses))


def calendar_file(session: Session, status: ServiceStatus) -> PublicFile:
    """`/status/{service}/windows.ics`, as the route in stabil.windows.feed answers it."""
    stored = version_named(session, status.key, status.generated_at.date())
    since = status.generated_at - HISTORY
    meetings = meeting_events(session, declaration_of(stored), stored.service_id, since)
    body = calendar_of(session, stored, status.generated_at, meetings)
    return PublicFile(f"status/{status.key}/windows.ics", body, ICS)


# The renderer every publication uses; tests put one of their own in its place.
RENDERER: Renderer = SiteRenderer()


def site_renderer() -> Renderer:
    return RENDERER


def base_url() -> str:
    return get_settings().public_url.rstrip("/")


def render_service(
    session: Session, service_key: str, now: dt.datetime, renderer: Renderer | None = None
) -> list[PublicFile]:
    """Every file of one service's publication at `now`."""
    renderer = renderer or site_renderer()
    status = renderer.gather(session, service_key, now)
    return renderer.service_files(session, status, base_url())


def render_index(
    session: Session, now: dt.datetime, renderer: Renderer | None = None
) -> list[PublicFile]:
    """The files of the whole site at `now`: the index of every service, the not-found page."""
    renderer = renderer or site_renderer()
    statuses = [renderer.gather(session, item.key, now) for item in list_services(session)]
    return site_files(renderer, statuses)


def site_files(renderer: Renderer, statuses: Sequence[ServiceStatus]) -> list[PublicFile]:
    return [*renderer.index_files(statuses), *not_found_files()]
