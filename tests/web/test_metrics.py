"""GET /metrics: request counts by route template, the job queue and the outbox, access rules."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.db.types import now_utc
from stabil.metrics.api import address_allowed
from stabil.outbox.models import DeliveryState, OutboxItem
from stabil.outbox.service import enqueue_email
from stabil.settings import Settings, parse_networks
from stabil.web.app import create_app
from stabil.web.deps import get_session
from stabil.worker.jobs import schedule
from stabil.worker.models import Job, JobState
from tests.cast import Cast, Member, headers
from tests.conftest import client_of

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture
def client(session: Session) -> Iterator[TestClient]:
    """An app of its own: these tests count every request an app has seen."""
    with client_of(create_app(), session) as test_client:
        yield test_client


def scrape(client: TestClient, member: Member) -> Samples:
    response = client.get("/metrics", headers=headers(member))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def requests(samples: Samples, method: str, route: str, status: int) -> float:
    labels = frozenset({"method": method, "route": route, "status": str(status)}.items())
    return samples.get(("stabil_http_requests_total", labels), 0)


def test_requests_are_counted_by_route_template_and_status(client: TestClient, cast: Cast) -> None:
    for key in ("BDK-2026-1", "BDK-2026-2"):
        assert (
            client.get(f"/api/v1/incidents/{key}", headers=headers(cast.admin)).status_code == 404
        )
    assert client.get("/api/v1/incidents/BDK-2026-3").status_code == 401
    assert client.delete("/api/v1/incidents/BDK-2026-4").status_code == 405
    assert client.get("/wp-login.php").status_code == 404
    assert client.get("/static/stabil.css").status_code == 200
    samples = scrape(client, cast.operator)
    assert requests(samples, "GET", "/api/v1/incidents/{key}", 404) == 2
    assert requests(samples, "GET", "/api/v1/incidents/{key}", 401) == 1
    assert requests(samples, "DELETE", "/api/v1/incidents/{key}", 405) == 1
    assert requests(samples, "GET", "unmatched", 404) == 1
    assert requests(samples, "GET", "/static/{path}", 200) == 1
    routes = {dict(labels).get("route") for _name, labels in samples}
    assert not any("BDK" in str(route) or "wp-login" in str(route) for route in routes)
    latency = frozenset(
        {"method": "GET", "route": "/api/v1/incidents/{key}", "status": "404"}.items()
    )
    assert samples[("stabil_http_request_duration_seconds_count", latency)] == 2
    assert 0 < samples[("stabil_http_request_duration_seconds_sum", latency)] < 10


def test_each_app_counts_only_its_own_requests(
    client: TestClient, cast: Cast, session: Session
) -> None:
    client.get("/healthz")
    other = create_app()
    other.dependency_overrides[get_session] = lambda: session
    with TestClient(other) as other_client:
        assert requests(scrape(other_client, cast.admin), "GET", "/healthz", 200) == 0
    assert requests(scrape(client, cast.admin), "GET", "/healthz", 200) == 1


def test_an_unexpected_error_is_counted_as_the_500_it_became(cast: Cast, session: Session) -> None:
    app = create_app()
    app.dependency_overrides[get_session] = lambda: session

    @app.get("/api/v1/fails/{key}")
    def fails(key: str) -> None:
        raise RuntimeError(key)

    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/api/v1/fails/one").status_code == 500
        assert requests(scrape(client, cast.admin), "GET", "/api/v1/fails/{key}", 500) == 1


def test_queue_gauges_reflect_jobs_and_outbox(
    client: TestClient, cast: Cast, session: Session
) -> None:
    now = now_utc()
    for name, run_at in [
        ("late", now - dt.timedelta(minutes=5)),
        ("due", now),
        ("later", now + dt.timedelta(hours=1)),
        ("done", now - dt.timedelta(hours=2)),
        ("failed", now - dt.timedelta(hours=3)),
    ]:
        schedule(session, kind="metrics.test", subject_key="BDK-1", dedupe_key=name, run_at=run_at)
    jobs = {job.dedupe_key: job for job in session.scalars(select(Job))}
    jobs["done"].state = JobState.done.value
    jobs["failed"].state = JobState.failed.value
    for n, state in enumerate(["pending", "pending", "pending", "parked", "sent", "sent"]):
        item_id = enqueue_email(
            session,
            recipient=f"vagt{n}@borger.example",
            subject="Besked",
            body="Hej.",
            subject_kind="incident",
            subject_key="BDK-1",
        )
        item = session.get(OutboxItem, item_id)
        assert item is not None
        item.state = DeliveryState(state).value
    session.flush()

    samples = scrape(client, cast.admin)
    assert samples[("stabil_jobs_due", frozenset())] == 2  # late and due; not later, done, failed
    assert 300 <= samples[("stabil_worker_lag_seconds", frozenset())] < 360
    assert samples[("stabil_jobs_failed", frozenset())] == 1
    outbox = {
        state: samples[("stabil_outbox_notifications", frozenset({("state", state)}))]
        for state in ("pending", "parked", "sent")
    }
    assert outbox == {"pending": 3, "parked": 1, "sent": 2}


def test_an_empty_queue_has_no_lag(client: TestClient, cast: Cast) -> None:
    samples = scrape(client, cast.admin)
    assert samples[("stabil_jobs_due", frozenset())] == 0
    assert samples[("stabil_worker_lag_seconds", frozenset())] == 0
    assert samples[("stabil_outbox_notifications", frozenset({("state", "parked")}))] == 0


def test_without_a_token_from_elsewhere_the_answer_is_401(client: TestClient) -> None:
    response = client.get("/metrics")  # the test client's address is "testclient"
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "STABIL_METRICS_ALLOW" in response.json()["detail"]
    revoked = client.get("/metrics", headers={"Authorization": "Bearer stb_unknown"})
    assert revoked.status_code == 401


@pytest.mark.parametrize("name", ["viewer", "supplier", "authority"])
def test_only_admins_and_operators_may_read_with_a_token(
    client: TestClient, cast: Cast, name: str
) -> None:
    response = client.get("/metrics", headers=headers(getattr(cast, name)))
    assert response.status_code == 403
    assert "admin or operator" in response.json()["detail"]


def test_metrics_are_not_part_of_the_api_schema(client: TestClient) -> None:
    assert "/metrics" not in client.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("127.0.0.1", True),
        ("127.10.0.3", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("10.1.2.3", False),
        ("2001:db8::1", False),
        ("testclient", False),
        (None, False),
    ],
)
def test_the_default_networks_are_this_machine(address: str | None, allowed: bool) -> None:
    assert address_allowed(address, Settings().metrics_networks) is allowed


def test_networks_are_a_setting() -> None:
    networks = Settings(metrics_allow=" 10.20.0.0/16, 192.0.2.7 ,fd00::/8").metrics_networks
    assert networks == parse_networks("10.20.0.0/16,192.0.2.7/32,fd00::/8")
    assert address_allowed("10.20.5.5", networks)
    assert address_allowed("192.0.2.7", networks)
    assert not address_allowed("192.0.2.8", networks)
    assert not address_allowed("127.0.0.1", networks)
    assert Settings(metrics_allow="").metrics_networks == ()
    assert ipaddress.ip_network("fd00::/8") in networks


def test_a_wrong_network_says_what_would_be_right() -> None:
    with pytest.raises(ValidationError, match=r"'10\.0\.0\.0/33' is neither an IP address"):
        Settings(metrics_allow="127.0.0.1,10.0.0.0/33")
