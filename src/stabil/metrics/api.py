"""GET /metrics: for an admin's or operator's token, or a scraper on an allowed network."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Callable, Iterable, Sequence

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.metrics_core import Metric
from sqlalchemy.orm import Session

from stabil.accounts.auth import BearerCredentials, current_user, require_roles
from stabil.accounts.roles import WORK
from stabil.db.types import now_utc
from stabil.metrics.http import HttpMetrics
from stabil.metrics.queues import job_metrics, outbox_metrics
from stabil.settings import IPNetwork, get_settings
from stabil.web.deps import SessionDep, UnitsDep

router = APIRouter(include_in_schema=False)

Reader = Callable[[Session, dt.datetime], list[Metric]]
# Read from the database at each scrape. Probe counts join this list once probes exist.
SCRAPE_TIME_READERS: tuple[Reader, ...] = (job_metrics, outbox_metrics)
_staff_only = require_roles(*sorted(WORK))


def address_allowed(host: str | None, networks: Sequence[IPNetwork]) -> bool:
    """Whether the client's address lies in one of `networks`; a non-address never does."""
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # an IPv4 client of a dual-stack socket
    return any(address in network for network in networks)


def metrics_access(
    request: Request,
    session: SessionDep,
    credentials: BearerCredentials,
    units: UnitsDep,
    after_answer: BackgroundTasks,
) -> None:
    client = request.client.host if request.client else None
    if address_allowed(client, get_settings().metrics_networks):
        return
    if credentials is None:
        raise HTTPException(
            401,
            "/metrics needs the API token of an admin or operator ('Authorization: Bearer "
            "TOKEN'), or a client address in STABIL_METRICS_ALLOW",
            headers={"WWW-Authenticate": "Bearer"},
        )
    _staff_only(current_user(session, credentials, units, after_answer))


class _Families:
    def __init__(self, families: Iterable[Metric]) -> None:
        self._families = list(families)

    def collect(self) -> Iterable[Metric]:
        return self._families


@router.get("/metrics", dependencies=[Depends(metrics_access)])
def metrics(request: Request, session: SessionDep) -> Response:
    http: HttpMetrics = request.app.state.metrics
    now = now_utc()
    read_now = _Families(family for read in SCRAPE_TIME_READERS for family in read(session, now))
    body = generate_latest(http.registry) + generate_latest(read_now)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
