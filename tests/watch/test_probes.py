"""Single probes against real targets on 127.0.0.1: what counts as up, degraded and down,
and a failed probe (never a crash) for a target that hangs, resets, answers garbage or
redirects forever (R3)."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import socket
import ssl
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from stabil.watch.confirm import Observation
from stabil.watch.probes import Spec, heartbeat, new_client, probe_http, probe_tcp
from stabil.watch.states import MonitorKind, State
from tests.watch.targets import Target, self_signed, serving

AT = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)
SPEC = Spec(
    id=1,
    kind=MonitorKind.http,
    target="",
    expected_status=(),
    body_text=None,
    body_regex=None,
    degraded_ms=None,
    tls_warn_days=14,
    interval_seconds=60,
    timeout_seconds=2.0,
    fail_after=3,
    recover_after=2,
    grace_seconds=60,
)


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    with serving() as server:
        yield server


def http(
    target: Target, path: str, verify: ssl.SSLContext | bool = True, **changes: object
) -> Observation:
    spec = replace(SPEC, target=f"http://127.0.0.1:{target.port}{path}", **changes)  # type: ignore[arg-type]

    async def probe() -> Observation:
        async with new_client(10, verify) as client:
            return await probe_http(client, spec, AT)

    return asyncio.run(probe())


def test_an_answer_as_expected_is_up_with_its_status_and_latency(target: Target) -> None:
    seen = http(target, "/", body_text="Borger.dk", body_regex=re.compile(r"version \d+"))
    assert seen.outcome is State.up
    assert seen.at == AT
    assert seen.evidence["status_code"] == 200
    assert seen.evidence["error"] is None
    assert 0 <= seen.evidence["latency_ms"] < 2000


def test_a_status_not_expected_is_down(target: Target) -> None:
    seen = http(target, "/", expected_status=(204,))
    assert (seen.outcome, seen.evidence["error"]) == (State.down, "HTTP 200 (expected 204)")
    target.status = 503
    try:
        assert http(target, "/").evidence["error"] == "HTTP 503"
        assert http(target, "/", expected_status=(503,)).outcome is State.up
    finally:
        target.status = 200


def test_a_body_without_the_text_or_not_matching_is_down(target: Target) -> None:
    missing = http(target, "/", body_text="Logget ind")
    assert missing.outcome is State.down
    assert missing.evidence["error"] == "the answer does not contain 'Logget ind'"
    assert missing.evidence["status_code"] == 200
    wrong = http(target, "/", body_regex=re.compile(r"version [a-z]+"))
    assert wrong.evidence["error"] == "the answer does not match 'version [a-z]+'"


def test_an_answer_slower_than_allowed_is_degraded(target: Target) -> None:
    seen = http(target, "/slow", degraded_ms=50)
    assert seen.outcome is State.degraded
    assert seen.evidence["latency_ms"] >= 150
    assert "slower than 50 ms" in seen.evidence["error"]
    assert http(target, "/slow", degraded_ms=5000).outcome is State.up


def test_a_target_that_hangs_fails_at_the_timeout(target: Target) -> None:
    seen = http(target, "/hang", timeout_seconds=0.3)
    assert seen.outcome is State.down
    assert seen.evidence["error"] == "no answer within 0.3 s"
    assert 250 <= seen.evidence["latency_ms"] < 1500


def test_a_reset_garbage_and_a_redirect_loop_are_failed_probes_with_reasons(
    target: Target,
) -> None:
    reset = http(target, "/reset")
    assert reset.outcome is State.down
    assert reset.evidence["error"].startswith(("connection broken", "not an HTTP answer"))
    garbage = http(target, "/garbage")
    assert garbage.outcome is State.down
    assert garbage.evidence["error"].startswith("not an HTTP answer")
    loop = http(target, "/loop")
    assert (loop.outcome, loop.evidence["error"]) == (State.down, "more than 5 redirects")


def test_redirects_are_followed_on_the_target_s_host_only(target: Target) -> None:
    hop = http(target, "/hop", body_text="Borger.dk")
    assert (hop.outcome, hop.evidence["status_code"]) == (State.up, 200)
    # Another host is never probed: the redirect is the answer, and a 301 is below 400.
    away = http(target, "/away")
    assert (away.outcome, away.evidence["status_code"]) == (State.up, 301)
    assert away.evidence["redirect"] == "http://example.invalid/"
    assert http(target, "/away", expected_status=(200,)).outcome is State.down


def test_nothing_listening_is_down() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    seen = asyncio.run(_tcp(f"127.0.0.1:{port}"))
    assert seen.outcome is State.down
    assert seen.evidence["error"].startswith("cannot connect")
    refused = asyncio.run(_http_to(f"http://127.0.0.1:{port}/"))
    assert refused.outcome is State.down
    assert refused.evidence["error"].startswith("cannot connect")


async def _http_to(url: str) -> Observation:
    async with new_client(2) as client:
        return await probe_http(client, replace(SPEC, target=url), AT)


def test_a_tcp_port_that_accepts_is_up(target: Target) -> None:
    seen = asyncio.run(_tcp(f"127.0.0.1:{target.port}"))
    assert (seen.outcome, seen.evidence["error"]) == (State.up, None)


async def _tcp(address: str) -> Observation:
    return await probe_tcp(replace(SPEC, kind=MonitorKind.tcp, target=address), AT)


def test_a_certificate_about_to_expire_is_a_warning_not_an_outage(tmp_path: Path) -> None:
    server_context, client_context = self_signed(tmp_path, days=5)
    with serving(context=server_context) as secure:
        spec = replace(SPEC, target=f"https://127.0.0.1:{secure.port}/")

        async def probe() -> Observation:
            async with new_client(2, client_context) as client:
                return await probe_http(client, spec, dt.datetime.now(dt.UTC))

        seen = asyncio.run(probe())
        assert seen.outcome is State.up
        expires = dt.datetime.fromisoformat(seen.evidence["tls_expires"])
        assert dt.timedelta(days=4) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(days=5)
        assert seen.evidence["warning"].startswith("the TLS certificate expires in")
        # A certificate nobody trusts is a failed probe.
        distrusted = asyncio.run(_with_default_trust(spec))
        assert distrusted.outcome is State.down
        assert "CERTIFICATE_VERIFY_FAILED" in distrusted.evidence["error"]


async def _with_default_trust(spec: Spec) -> Observation:
    async with new_client(2) as client:
        return await probe_http(client, spec, AT)


def test_a_heartbeat_is_up_within_interval_and_grace_and_down_from_when_it_was_due() -> None:
    spec = replace(SPEC, kind=MonitorKind.heartbeat, interval_seconds=60, grace_seconds=30)
    created = AT
    assert heartbeat(spec, None, created, AT + dt.timedelta(seconds=89)) is None
    never = heartbeat(spec, None, created, AT + dt.timedelta(seconds=95))
    assert never is not None
    assert (never.outcome, never.at) == (State.down, AT + dt.timedelta(seconds=90))
    called = AT + dt.timedelta(seconds=100)
    fresh = heartbeat(spec, called, created, called + dt.timedelta(seconds=90))
    assert fresh is not None
    assert (fresh.outcome, fresh.at) == (State.up, called)
    late = heartbeat(spec, called, created, called + dt.timedelta(seconds=91))
    assert late is not None
    assert (late.outcome, late.at) == (State.down, called + dt.timedelta(seconds=90))
