"""The public site's own renderer: the pages, the feeds, the JSON and the windows' calendar.

It lives with the web layer because the pages render with its templates (public/pages.py);
importing it registers it as the renderer of every publication (public/publication.py). The
server, the worker (HANDLER_MODULES) and `stabil status export` import it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from stabil.public.feeds import feed_files
from stabil.public.gather import gather
from stabil.public.machine import json_files
from stabil.public.pages import index_files, page_files
from stabil.public.publication import calendar_file, renders_site
from stabil.public.site import PublicFile
from stabil.public.snapshot import ServiceStatus


class SiteRenderer:
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


renders_site(SiteRenderer())
