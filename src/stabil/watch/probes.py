"""One probe of a monitor: what it saw, as an Observation with its evidence (R3).

A probe never raises for what its target does: a target that hangs, resets, answers garbage
or redirects forever is a failed probe with its reason. Only the configured target is
probed: redirects are followed on the same host only, at most `MAX_REDIRECTS` of them; a
redirect elsewhere is the answer itself.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib.util
import re
import ssl
import sys
import time
from dataclasses import dataclass
from typing import Any

import httpx

from stabil import __version__
from stabil.texts import N_
from stabil.watch.confirm import Observation
from stabil.watch.models import Monitor
from stabil.watch.states import MonitorKind, State

MAX_REDIRECTS = 5
# A body check reads at most this much; the rest of a large page is not waited for.
MAX_BODY_BYTES = 256 * 1024
MAX_ERROR_CHARS = 300
USER_AGENT = f"Stabil-prober/{__version__}"

# httpcore imports sniffio, which anyio no longer needs, six times in every request; when it
# is not installed each of those looks for it along the whole path again, which was a third
# of a probe's CPU. A module known to be missing fails at once.
if importlib.util.find_spec("sniffio") is None:
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Spec:
    """What the prober needs of a monitor, apart from the session it was read in."""

    id: int
    kind: MonitorKind
    target: str
    expected_status: tuple[int, ...]
    body_text: str | None
    body_regex: re.Pattern[str] | None
    degraded_ms: int | None
    tls_warn_days: int | None
    interval_seconds: int
    timeout_seconds: float
    fail_after: int
    recover_after: int
    grace_seconds: int

    @classmethod
    def of(cls, monitor: Monitor) -> Spec:
        return cls(
            id=monitor.id,
            kind=MonitorKind(monitor.kind),
            target=monitor.target or "",
            expected_status=tuple(monitor.expected_status or ()),
            body_text=monitor.body_text,
            body_regex=re.compile(monitor.body_regex) if monitor.body_regex else None,
            degraded_ms=monitor.degraded_ms,
            tls_warn_days=monitor.tls_warn_days,
            interval_seconds=monitor.interval_seconds,
            timeout_seconds=monitor.timeout_seconds,
            fail_after=monitor.fail_after,
            recover_after=monitor.recover_after,
            grace_seconds=monitor.grace_seconds,
        )


def new_client(concurrency: int, verify: ssl.SSLContext | bool = True) -> httpx.AsyncClient:
    """The one client all HTTP probes share.

    No connection is kept alive: a probe a minute later would rarely find it open, and a
    probe must see the target as a new visitor does (connect, TLS, certificate) every time.
    """
    return httpx.AsyncClient(
        follow_redirects=False,
        verify=verify,
        trust_env=False,  # a proxy from the environment would probe the proxy, not the target
        headers={"User-Agent": USER_AGENT, "Connection": "close"},
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=0),
    )


def said(template: str, **values: Any) -> dict[str, Any]:
    """Why a probe failed: in English for the API (`error`), and as the template with its
    values (`problem`, `values`) for a page to put in the reader's language."""
    error = template.format(**values)[:MAX_ERROR_CHARS]
    return {"error": error, "problem": template, "values": values}


def failed(at: dt.datetime, why: dict[str, Any], **evidence: Any) -> Observation:
    return Observation(at, State.down, {**evidence, **why})


# HTTP


@dataclass(slots=True)
class _Answer:
    status: int
    body: str | None
    url: httpx.URL
    tls_expires: dt.datetime | None = None
    redirect: str | None = None  # a redirect to another host, not followed


async def probe_http(client: httpx.AsyncClient, spec: Spec, at: dt.datetime) -> Observation:
    began = time.perf_counter()

    def elapsed() -> int:
        return round((time.perf_counter() - began) * 1000)

    try:
        async with asyncio.timeout(spec.timeout_seconds):
            answer = await _fetch(client, spec)
    except TimeoutError:
        why = said(N_("no answer within {seconds} s"), seconds=f"{spec.timeout_seconds:g}")
        return failed(at, why, status_code=None, latency_ms=elapsed())
    except Exception as problem:
        return failed(at, _describe(problem), status_code=None, latency_ms=elapsed())
    return _judge(spec, at, answer, elapsed())


async def _fetch(client: httpx.AsyncClient, spec: Spec) -> _Answer:
    url = httpx.URL(spec.target)
    timeout = httpx.Timeout(spec.timeout_seconds)
    for _hop in range(MAX_REDIRECTS + 1):
        response = await client.send(client.build_request("GET", url, timeout=timeout), stream=True)
        try:
            location = response.headers.get("location") if response.is_redirect else None
            if location is not None:
                following = url.join(location)
                if following.host == url.host:
                    url = following
                    continue
            answer = _Answer(response.status_code, None, url, _tls_expiry(response), location)
            if spec.body_text is not None or spec.body_regex is not None:
                answer.body = await _read_body(response)
            return answer
        finally:
            await response.aclose()
    raise httpx.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects")


async def _read_body(response: httpx.Response) -> str:
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_BODY_BYTES:
            break
    return b"".join(chunks)[:MAX_BODY_BYTES].decode(response.encoding or "utf-8", "replace")


def _tls_expiry(response: httpx.Response) -> dt.datetime | None:
    stream = response.extensions.get("network_stream")
    ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
    if ssl_object is None:
        return None
    certificate = ssl_object.getpeercert()
    not_after = certificate.get("notAfter") if certificate else None
    if not isinstance(not_after, str):
        return None
    return dt.datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after), dt.UTC)


def _judge(spec: Spec, at: dt.datetime, answer: _Answer, latency_ms: int) -> Observation:
    evidence: dict[str, Any] = {
        "error": None,
        "status_code": answer.status,
        "latency_ms": latency_ms,
    }
    if answer.redirect is not None:
        evidence["redirect"] = answer.redirect[:MAX_ERROR_CHARS]
    if answer.tls_expires is not None:
        evidence["tls_expires"] = answer.tls_expires.isoformat()
        if spec.tls_warn_days is not None:
            left = answer.tls_expires - at
            if left < dt.timedelta(days=spec.tls_warn_days):
                evidence["warning"] = f"the TLS certificate expires in {max(left.days, 0)} days"
                evidence["warning_days"] = max(left.days, 0)
    wrong = _wrong(spec, answer)
    if wrong is not None:
        return Observation(at, State.down, evidence | wrong)
    if spec.degraded_ms is not None and latency_ms > spec.degraded_ms:
        template = N_("answered in {latency} ms, slower than {limit} ms")
        evidence |= said(template, latency=latency_ms, limit=spec.degraded_ms)
        return Observation(at, State.degraded, evidence)
    return Observation(at, State.up, evidence)


def _wrong(spec: Spec, answer: _Answer) -> dict[str, Any] | None:
    """What is wrong with the answer, or None when it is what the monitor expects."""
    if spec.expected_status:
        if answer.status not in spec.expected_status:
            expected = ", ".join(str(code) for code in spec.expected_status)
            template = N_("HTTP {status} (expected {expected})")
            return said(template, status=answer.status, expected=expected)
    elif answer.status >= 400:
        return said("HTTP {status}", status=answer.status)
    body = answer.body or ""
    if spec.body_text is not None and spec.body_text not in body:
        return said(N_("the answer does not contain {text!r}"), text=spec.body_text)
    if spec.body_regex is not None and spec.body_regex.search(body) is None:
        return said(N_("the answer does not match {pattern!r}"), pattern=spec.body_regex.pattern)
    return None


def _describe(problem: BaseException) -> dict[str, Any]:
    """The reason a probe failed, in a few words; the detail is the system's own."""
    detail = str(problem).strip() or type(problem).__name__
    if isinstance(problem, httpx.TooManyRedirects):
        return said(N_("more than {count} redirects"), count=MAX_REDIRECTS)
    if isinstance(problem, httpx.ConnectError):
        return said(N_("cannot connect: {detail}"), detail=detail)
    if isinstance(problem, httpx.RemoteProtocolError | httpx.LocalProtocolError):
        return said(N_("not an HTTP answer: {detail}"), detail=detail)
    if isinstance(problem, httpx.ReadError | httpx.WriteError | ConnectionError):
        return said(N_("connection broken: {detail}"), detail=detail)
    if isinstance(problem, httpx.TimeoutException):
        return said(N_("no answer in time"))
    if isinstance(problem, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return said(N_("cannot probe the target: {detail}"), detail=detail)
    return said("{kind}: {detail}", kind=type(problem).__name__, detail=detail)


# TCP


async def probe_tcp(spec: Spec, at: dt.datetime) -> Observation:
    """Up when a TCP connection opens within the timeout; it is closed at once."""
    host, _, port = spec.target.rpartition(":")
    host = host.strip("[]")  # an IPv6 address is written [::1]:5432
    began = time.perf_counter()

    def elapsed() -> int:
        return round((time.perf_counter() - began) * 1000)

    try:
        async with asyncio.timeout(spec.timeout_seconds):
            _reader, writer = await asyncio.open_connection(host, int(port))
    except TimeoutError:
        why = said(N_("no connection within {seconds} s"), seconds=f"{spec.timeout_seconds:g}")
        return failed(at, why, latency_ms=elapsed())
    except Exception as problem:
        why = said(N_("cannot connect: {detail}"), detail=str(problem) or type(problem).__name__)
        return failed(at, why, latency_ms=elapsed())
    latency = elapsed()
    writer.close()
    try:
        async with asyncio.timeout(1):
            await writer.wait_closed()
    except Exception:
        pass
    evidence: dict[str, Any] = {"error": None, "latency_ms": latency}
    if spec.degraded_ms is not None and latency > spec.degraded_ms:
        template = N_("connected in {latency} ms, slower than {limit} ms")
        evidence |= said(template, latency=latency, limit=spec.degraded_ms)
        return Observation(at, State.degraded, evidence)
    return Observation(at, State.up, evidence)


# Heartbeat


def heartbeat(
    spec: Spec, last_call: dt.datetime | None, created_at: dt.datetime, now: dt.datetime
) -> Observation | None:
    """Up while the last call is at most interval + grace old; down from the instant it
    became overdue. None while a monitor that was never called is not overdue yet."""
    allowed = dt.timedelta(seconds=spec.interval_seconds + spec.grace_seconds)
    overdue = (last_call or created_at) + allowed
    if now <= overdue:
        if last_call is None:
            return None
        return Observation(last_call, State.up, {"error": None, "last_call": last_call.isoformat()})
    why = (
        said(N_("no call since {since}"), since=last_call.isoformat())
        if last_call
        else said(N_("no call since it was set up"))
    )
    evidence = {"last_call": last_call.isoformat() if last_call else None, **why}
    return Observation(overdue, State.down, evidence)
