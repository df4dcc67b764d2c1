"""The desk under load, faults and hostile input, measured against `stabil serve` (`make bench`).

Starts this checkout's `python -m stabil serve` on 127.0.0.1 (a free port) with a throw-away
database, prepared with the CLI only; everything else goes through HTTP, so the same script
measures any version of the desk. It measures and prints; it does not judge or fail on figures.

1. concurrent: N creates, then N sign-ins without credentials, released at once (a barrier):
   answers by status, the slowest, and whether the server still answers `/healthz` afterwards.
2. kill: creates from 8 clients while the server gets SIGKILL at a random moment, K times:
   acknowledged incidents lost or with their key reused after the restart, and `404`s for a key
   read by another connection right after its `201`.
3. mixed: 8 clients, each with its own token, mixing every kind of request for T seconds:
   `5xx`, dropped connections, timeouts.
4. body: the server's memory before and after one 200 MiB body with an invalid token.
5. flood: create latency alone and under a flood of wrong passwords; 40 wrong then the right one.
6. burst (PostgreSQL): 100 creates at once: answers in 20 s, and incidents created for clients
   that had given up.

Each step is bounded in time; the servers are killed on exit, Ctrl-C included, and the
throw-away databases and folders removed. The machine's load is printed with the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import math
import os
import random
import re
import select
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from _databases import postgres_database
from _serve import (
    OPERATORS,
    ROOT,
    SERVICE,
    SUPPLIER,
    Account,
    Desk,
    Server,
    answered,
    attempt,
    bearer,
    incident,
    kill_all_servers,
    prepare,
    server_env,
)

RUN = os.urandom(3).hex()  # in every title, so that this run's incidents can be told apart
CLIENTS = OPERATORS  # each with a token of its own
CLIENT_TIMEOUT = 30.0
BURST_TIMEOUT = 20.0
BURST_SETTLE = 35.0  # a client that gave up may still be served once the server's waits end
BODY_MIB = 200
MIB = 1024 * 1024
LOGIN_ATTEMPTS = 40

Send = Callable[[httpx.Client, int], httpx.Response]


@dataclass(frozen=True)
class Plan:
    ladder: tuple[int, ...]
    kills: int
    mixed_seconds: float
    flood_creates: int
    flood_seconds: float

    @classmethod
    def of(cls, arguments: argparse.Namespace) -> Plan:
        if arguments.quick:
            return cls((20, 42, 100), arguments.kills or 3, arguments.seconds or 20, 100, 6)
        ladder = (20, 40, 41, 42, 50, 100, 200)
        return cls(ladder, arguments.kills or 10, arguments.seconds or 60, 300, 12)


class WarmServer(Server):
    """A server that has served a few requests before it is measured after each start.

    A process's first requests pay for imports and caches; without this, a kill soon after a
    start would find no acknowledged write to lose.
    """

    def __init__(self, env: dict[str, str], log: Path, token: str) -> None:
        super().__init__(env, log)
        self.token = token

    def start(self) -> None:
        super().start()
        with httpx.Client(base_url=self.url, headers=bearer(self.token), timeout=30) as http:
            for number in range(3):
                outcome, response = attempt(
                    partial(http.post, "/api/v1/incidents", json=incident(f"{RUN} warm-up"))
                )
                if outcome == "201" and response is not None:
                    attempt(partial(http.get, f"/api/v1/incidents/{response.json()['key']}"))
                attempt(partial(http.get, "/login" if number else "/api/v1/incidents"))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def counts(counter: Counter[str]) -> str:
    return ", ".join(f"{n}×{what}" for what, n in sorted(counter.items())) or "nothing"


def say(text: str) -> None:
    print(text, flush=True)


# 1. and 6. Requests released at once


@dataclass
class Burst:
    size: int
    outcomes: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    by_client: dict[int, str] = field(default_factory=dict)
    acknowledged: dict[str, int] = field(default_factory=dict)  # key -> client
    closed: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(
        self, client: int, outcome: str, took: float, response: httpx.Response | None
    ) -> None:
        with self.lock:
            if self.closed:  # too late: counted as "no answer"
                return
            self.outcomes[outcome] += 1
            self.by_client[client] = outcome
            if answered(outcome):
                self.latencies.append(took)
            if outcome == "201" and response is not None:
                self.acknowledged[response.json()["key"]] = client

    def close(self) -> None:
        with self.lock:
            self.closed = True
            if missing := self.size - len(self.by_client):
                self.outcomes["no answer"] = missing


def release_at_once(server: Server, size: int, send: Send, timeout: float) -> tuple[Burst, float]:
    """`size` requests sent at the same instant, each waiting `timeout` s for its answer: the
    tally, once every client has its answer or gave up, and the instant of the release."""
    burst = Burst(size)
    barrier = threading.Barrier(size + 1)

    def client(index: int) -> None:
        with httpx.Client(base_url=server.url, timeout=timeout) as http:
            # Connected before the release, so that the requests themselves arrive together.
            attempt(partial(http.get, "/healthz"))
            try:
                barrier.wait(timeout=60)
            except threading.BrokenBarrierError:
                return
            began = time.monotonic()
            outcome, response = attempt(lambda: send(http, index))
            burst.record(index, outcome, time.monotonic() - began, response)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(size)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=60)
    released = time.monotonic()
    for thread in threads:  # a client gives up after `timeout`; this is only a backstop
        thread.join(timeout=max(0.1, released + timeout + 10 - time.monotonic()))
    burst.close()
    return burst, released


def concurrent(server: Server, desk: Desk, ladder: tuple[int, ...], kind: str) -> dict[str, Any]:
    """The `ladder` of bursts of one kind; the server is restarted after one that hung it."""
    token = desk.operators[0].token

    def create(http: httpx.Client, index: int) -> httpx.Response:
        title = f"{RUN} concurrent #{index}"
        return http.post("/api/v1/incidents", json=incident(title), headers=bearer(token))

    def sign_in_without_credentials(http: httpx.Client, _index: int) -> httpx.Response:
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        return http.post("/login", content=b"", headers=form)

    send = create if kind == "creates" else sign_in_without_credentials
    rows, first_hang = [], None
    server.restart()
    for size in ladder:
        burst, released = release_at_once(server, size, send, CLIENT_TIMEOUT)
        hung = not server.answers()
        if hung:
            server.kill()
        row = {
            "n": size,
            "outcomes": dict(burst.outcomes),
            "max_latency_s": round(max(burst.latencies, default=0.0), 2),
            "seconds": round(time.monotonic() - released, 1),
            "hung": hung,
        }
        rows.append(row)
        say(
            f"  {kind} N={size:<3} {counts(burst.outcomes)}; slowest answer "
            f"{row['max_latency_s']} s; {'HUNG (no /healthz)' if hung else '/healthz answers'}"
        )
        first_hang = first_hang or (size if hung else None)
        if hung:
            server.start()
    return {"bursts": rows, "first_hang": first_hang, "largest": max(ladder)}


def pg_burst(server: Server, desk: Desk) -> dict[str, Any]:
    """100 creates at once with a 20 s client timeout; then what the database holds."""
    server.restart()
    marker = f"burst{RUN}"
    token = desk.operators[0].token

    def create(http: httpx.Client, index: int) -> httpx.Response:
        return http.post(
            "/api/v1/incidents", json=incident(f"{marker} #{index}"), headers=bearer(token)
        )

    log_from = server.log_size()
    burst, released = release_at_once(server, 100, create, BURST_TIMEOUT)
    stored, answers_after = settled_titles(server, desk.admin.token, marker, released)
    client_of = {f"{marker} #{i}": i for i in range(100)}
    # What each client whose incident was stored heard: a 201, another status, or nothing.
    heard = [
        burst.by_client.get(client_of[t], "nothing") for t in stored.values() if t in client_of
    ]
    gave_up = sum(not answered(outcome) for outcome in heard)
    lost = [key for key in burst.acknowledged if key not in stored]
    result = {
        "outcomes": dict(burst.outcomes),
        "answered_201": burst.outcomes["201"],
        "stored": len(stored),
        "stored_but_client_gave_up": gave_up,
        "stored_but_answered_error": sum(answered(o) and o != "201" for o in heard),
        "acknowledged_not_stored": len(lost),
        "pool_timeouts_logged": server.log_count(log_from, "QueuePool limit"),
        "lists_again_after_s": None if answers_after is None else round(answers_after, 1),
    }
    say(
        f"  100 creates at once, 20 s client timeout: {counts(burst.outcomes)}; stored "
        f"{result['stored']}, of which {gave_up} for clients that had given up; "
        f"{len(lost)} acknowledged but not stored; server log: "
        f"{result['pool_timeouts_logged']} × 'QueuePool limit'; the first listing afterwards "
        f"answered {result['lists_again_after_s']} s after the release"
    )
    return result


def settled_titles(
    server: Server, token: str, marker: str, since: float
) -> tuple[dict[str, str], float | None]:
    """Key -> title of the stored incidents with `marker`, once their number stops changing;
    and how long after `since` the server first answered the listing (None: never)."""
    previous, stable, titles, first = -1, 0, {}, None
    deadline = since + 90
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError, KeyError, ValueError):
            titles = listed(server, token, marker)
            first = first or time.monotonic() - since
            stable = stable + 1 if len(titles) == previous else 0
            previous = len(titles)
            if stable >= 3 and time.monotonic() > since + BURST_SETTLE:
                break
        time.sleep(2)
    return titles, first


def listed(server: Server, token: str, text: str) -> dict[str, str]:
    titles: dict[str, str] = {}
    with httpx.Client(base_url=server.url, headers=bearer(token), timeout=10) as http:
        while True:
            query = {"text": text, "limit": 100, "offset": len(titles)}
            page = http.get("/api/v1/incidents", params=query).raise_for_status().json()
            titles |= {item["key"]: item["title"] for item in page["items"]}
            if not page["items"] or len(titles) >= page["total"]:
                return titles


# 2. kill -9 during bursts


@dataclass
class Acknowledgements:
    """Every `201` of the kill rounds, and what became of it.

    Each title is unique, so an acknowledged incident is lost when its key is not found or
    holds another title, and the key was reused when another incident has it.
    """

    count: int = 0
    owner: dict[str, str] = field(default_factory=dict)  # key -> title of its latest 201
    this_round: list[tuple[str, str]] = field(default_factory=list)  # (key, title)
    lost: set[tuple[str, str]] = field(default_factory=set)
    reused: int = 0
    reads: Counter[str] = field(default_factory=Counter)  # GET right after the 201
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, key: str, title: str) -> None:
        with self.lock:
            self.count += 1
            if key in self.owner and self.owner[key] != title:
                self.lost.add((key, self.owner[key]))
                self.reused += 1
            self.owner[key] = title
            self.this_round.append((key, title))


def kill_rounds(server: Server, desk: Desk, rounds: int, rng: random.Random) -> dict[str, Any]:
    acks, found = Acknowledgements(), Counter[str]()
    server.ensure_running()
    for round_ in range(rounds):
        acks.this_round = []
        stop = threading.Event()
        threads = [
            threading.Thread(
                target=keep_creating,
                args=(server.url, desk.operators[i].token, f"{RUN} kill {round_}.{i}", acks, stop),
                daemon=True,
            )
            for i in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(0.3, 1.5))
        server.kill()
        stop.set()
        for thread in threads:
            thread.join(timeout=CLIENT_TIMEOUT)
        server.start()
        found += check_round(server, desk.admin.token, acks)
    result = {
        "kills": rounds,
        "acknowledged": acks.count,
        "after_restart": dict(found),
        "lost": len(acks.lost),
        "reused": acks.reused,
        "read_after_201": dict(acks.reads),
        "not_found_after_201": acks.reads["404"],
    }
    say(
        f"  {rounds} kills: {acks.count} acknowledged; found after each restart: "
        f"{counts(found)}; {len(acks.lost)} lost and {acks.reused} keys reused in all; "
        f"GET right after 201: {counts(acks.reads)}"
    )
    return result


def keep_creating(
    url: str, token: str, prefix: str, acks: Acknowledgements, stop: threading.Event
) -> None:
    """Create until the server dies; read each acknowledged key at once on another connection."""
    with (
        httpx.Client(base_url=url, headers=bearer(token), timeout=10) as writer,
        httpx.Client(base_url=url, headers=bearer(token), timeout=10) as reader,
    ):
        number = 0
        while not stop.is_set():
            title = f"{prefix} #{number}"
            number += 1
            outcome, response = attempt(
                partial(writer.post, "/api/v1/incidents", json=incident(title))
            )
            if not answered(outcome):
                return
            if outcome != "201" or response is None:
                continue
            key = response.json()["key"]
            acks.add(key, title)
            read, _ = attempt(partial(reader.get, f"/api/v1/incidents/{key}"))
            if answered(read):  # one cut short by the kill says nothing
                with acks.lock:
                    acks.reads[read] += 1


def check_round(server: Server, token: str, acks: Acknowledgements) -> Counter[str]:
    """After the restart, what each key acknowledged in this round holds."""
    found: Counter[str] = Counter()
    with httpx.Client(base_url=server.url, headers=bearer(token), timeout=10) as http:
        for key, title in acks.this_round:
            outcome, response = attempt(partial(http.get, f"/api/v1/incidents/{key}"))
            if outcome == "404":
                found["missing"] += 1
                acks.lost.add((key, title))
            elif response is None or outcome != "200":
                found[f"unreadable ({outcome})"] += 1
            elif response.json()["title"] == title:
                found["its incident"] += 1
            else:
                found["another incident"] += 1
                acks.lost.add((key, title))
                acks.reused += 1
    return found


# 3. Eight clients mixing every kind of request


NEXT_STEP = {"registered": "handed_over", "handed_over": "resolved", "resolved": "closed"}
ACTIONS = {"create": 3, "read": 3, "list": 2, "patch": 1, "transition": 1, "me": 1}


@dataclass
class Mix:
    outcomes: Counter[str] = field(default_factory=Counter)
    by_action: dict[str, Counter[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, action: str, outcome: str) -> None:
        with self.lock:
            self.outcomes[outcome] += 1
            self.by_action.setdefault(action, Counter())[outcome] += 1


def mixed(server: Server, desk: Desk, seconds: float, seed: int) -> dict[str, Any]:
    server.ensure_running()
    mix, until = Mix(), time.monotonic() + seconds
    log_from = server.log_size()
    threads = [
        threading.Thread(
            target=mix_client,
            args=(server.url, account.token, until, random.Random(seed + i), mix),
            daemon=True,
        )
        for i, account in enumerate(desk.operators)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + CLIENT_TIMEOUT)
    errors = sum(n for outcome, n in mix.outcomes.items() if outcome.startswith("5"))
    result = {
        "seconds": seconds,
        "requests": sum(mix.outcomes.values()),
        "server_errors": errors,
        "dropped": mix.outcomes["dropped"] + mix.outcomes["refused"],
        "timeouts": mix.outcomes["timeout"],
        "outcomes": dict(mix.outcomes),
        "by_action": {action: dict(outcomes) for action, outcomes in mix.by_action.items()},
        "locked_logged": server.log_count(log_from, "database is locked"),
    }
    say(
        f"  {CLIENTS} clients × {seconds:.0f} s: {result['requests']} requests: "
        f"{counts(mix.outcomes)}; server log: {result['locked_logged']} × 'database is locked'"
    )
    for action, outcomes in sorted(mix.by_action.items()):
        say(f"    {action:<10} {counts(outcomes)}")
    return result


def mix_client(url: str, token: str, until: float, rng: random.Random, mix: Mix) -> None:
    states: dict[str, str] = {}  # this client's incidents
    names, weights = list(ACTIONS), list(ACTIONS.values())
    with httpx.Client(base_url=url, headers=bearer(token), timeout=CLIENT_TIMEOUT) as http:
        while time.monotonic() < until:
            action, key = rng.choices(names, weights)[0], ""
            if action in ("read", "patch", "transition"):
                # Reads and edits of any of its incidents; steps of those not closed yet.
                pool = (
                    list(states)
                    if action == "read"
                    else [k for k, s in states.items() if s in NEXT_STEP]
                )
                action, key = (action, rng.choice(pool)) if pool else ("create", "")
            outcome, response = attempt(partial(mix_request, http, action, key, states))
            mix.record(action, outcome)
            if response is not None and outcome in ("200", "201") and action != "list":
                body = response.json()
                if "state" in body:
                    states[body["key"]] = body["state"]


def mix_request(
    http: httpx.Client, action: str, key: str, states: dict[str, str]
) -> httpx.Response:
    if action == "create":
        return http.post("/api/v1/incidents", json=incident(f"{RUN} mixed"))
    if action == "read":
        return http.get(f"/api/v1/incidents/{key}")
    if action == "list":
        return http.get("/api/v1/incidents", params={"limit": 20})
    if action == "patch":
        return http.patch(f"/api/v1/incidents/{key}", json={"description": f"noted {time.time()}"})
    if action == "transition":
        step = NEXT_STEP[states[key]]
        body = {"to": step, "party": SUPPLIER} if step == "handed_over" else {"to": step}
        return http.post(f"/api/v1/incidents/{key}/transitions", json=body)
    return http.get("/api/v1/me")


# 4. A large body before authentication


def big_body(server: Server, chunked: bool) -> dict[str, Any]:
    """Memory before and after one BODY_MIB body with an invalid token, on a fresh server."""
    server.restart()
    before, _ = server.memory_mib()
    answer, sent = send_big_body(server.port, BODY_MIB * MIB, chunked)
    time.sleep(1)  # what the server keeps, not what it held for a moment (that is the peak)
    alive = server.answers()
    after, peak = server.memory_mib()
    result = {
        "framing": "chunked" if chunked else "Content-Length",
        "answer": answer,
        "sent_mib": round(sent / MIB, 1),
        "rss_before_mib": round(before),
        "rss_after_mib": round(after),
        "rss_peak_mib": round(peak),
        "peak_growth_mib": round(peak - before),
        "kept_mib": round(after - before),
        "alive_after": alive,
    }
    say(
        f"  {BODY_MIB} MiB body, {result['framing']}: answer {answer} after "
        f"{result['sent_mib']} MiB sent; RSS {before:.0f} MiB before, peak {peak:.0f}, "
        f"{after:.0f} a second after; "
        f"{'/healthz answers' if alive else 'NO /healthz afterwards'}"
    )
    return result


def send_big_body(port: int, size: int, chunked: bool) -> tuple[str, int]:
    """Stream the body in 1 MiB pieces, stopping when the server answers early; (answer, sent)."""
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
    head = (
        f"POST /api/v1/incidents HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Authorization: Bearer stb_not-a-real-token\r\nContent-Type: application/json\r\n"
        f"{framing}\r\nConnection: close\r\n\r\n"
    ).encode()
    deadline, sent = time.monotonic() + 120, 0
    with socket.create_connection(("127.0.0.1", port), timeout=CLIENT_TIMEOUT) as connection:
        try:
            connection.sendall(head)
            for piece in json_body(size):
                if select.select([connection], [], [], 0)[0] or time.monotonic() > deadline:
                    break  # an early answer, or a server too slow to wait for
                connection.sendall(b"%x\r\n%b\r\n" % (len(piece), piece) if chunked else piece)
                sent += len(piece)
            else:
                if chunked:
                    connection.sendall(b"0\r\n\r\n")
        except TimeoutError:
            return "none (the server stopped reading)", sent
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server closed; it may have answered first
        return status_line(connection, deadline), sent


def json_body(size: int) -> Iterator[bytes]:
    """A `size`-byte incident whose title is nearly all of it, in pieces of at most 1 MiB."""
    prefix, suffix = f'{{"service": "{SERVICE}", "title": "'.encode(), b'"}'
    filler, left = b"x" * MIB, size - len(prefix) - len(suffix)
    yield prefix
    while left > 0:
        yield filler[: min(MIB, left)]
        left -= MIB
    yield suffix


def status_line(connection: socket.socket, deadline: float) -> str:
    received = b""
    try:
        while b"\r\n" not in received and time.monotonic() < deadline:
            piece = connection.recv(4096)
            if not piece:
                break
            received += piece
    except (TimeoutError, ConnectionResetError):
        pass
    parts = received.split(b"\r\n", 1)[0].split()
    return parts[1].decode() if len(parts) > 1 else "none (connection closed)"


# 5. A flood of wrong passwords


def csrf_of(response: httpx.Response, previous: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', response.text)
    return found.group(1) if found else previous


def sign_in(http: httpx.Client, email: str, password: str, csrf: str) -> httpx.Response:
    form = {"email": email, "password": password, "csrf": csrf, "next": "/"}
    return http.post("/login", data=form)


def wrong_then_right(server: Server, account: Account) -> dict[str, Any]:
    """LOGIN_ATTEMPTS wrong passwords for one account, then its right one."""
    wrong: Counter[str] = Counter()
    with httpx.Client(base_url=server.url, timeout=CLIENT_TIMEOUT) as http:
        csrf = csrf_of(http.get("/login"), "")
        for number in range(LOGIN_ATTEMPTS):
            outcome, response = attempt(partial(sign_in, http, account.email, f"x{number}", csrf))
            wrong[outcome] += 1
            csrf = csrf_of(response, csrf) if response is not None else csrf
        outcome, response = attempt(partial(sign_in, http, account.email, account.password, csrf))
    signed_in = outcome == "303" and response is not None and "stabil_session" in response.cookies
    say(
        f"  {LOGIN_ATTEMPTS} wrong passwords: {counts(wrong)}; then the right one: {outcome} "
        f"({'signed in' if signed_in else 'not signed in'})"
    )
    return {"wrong": dict(wrong), "right": outcome, "signed_in": signed_in}


def create_latencies(server: Server, token: str, count: int, seconds: float) -> dict[str, Any]:
    """Creates by one client, each sent when the last is answered: `count` or for `seconds`."""
    took: list[float] = []
    outcomes: Counter[str] = Counter()
    until = time.monotonic() + seconds
    with httpx.Client(base_url=server.url, headers=bearer(token), timeout=CLIENT_TIMEOUT) as http:
        while len(took) < count and time.monotonic() < until:
            began = time.monotonic()
            outcome, _ = attempt(partial(http.post, "/api/v1/incidents", json=incident(RUN)))
            took.append(time.monotonic() - began)
            outcomes[outcome] += 1
    return {
        "creates": len(took),
        "outcomes": dict(outcomes),
        "p50_ms": round(statistics.median(took) * 1000, 1),
        "p99_ms": round(percentile(took, 0.99) * 1000, 1),
    }


def flood(server: Server, desk: Desk, plan: Plan) -> dict[str, Any]:
    server.ensure_running()
    result: dict[str, Any] = {"lockout": wrong_then_right(server, desk.login_target)}
    token = desk.operators[0].token
    create_latencies(server, token, 20, 5)  # warm-up
    result["alone"] = alone = create_latencies(
        server, token, plan.flood_creates, plan.flood_seconds
    )
    stop, logins = threading.Event(), Mix()
    threads = [
        threading.Thread(
            target=wrong_passwords, args=(server.url, desk.flood_target.email, stop, logins)
        )
        for _ in range(CLIENTS)
    ]
    for thread in threads:
        thread.daemon = True
        thread.start()
    time.sleep(1)
    began = time.monotonic()
    result["flooded"] = flooded = create_latencies(
        server, token, plan.flood_creates, plan.flood_seconds
    )
    stop.set()
    seconds = time.monotonic() - began
    for thread in threads:
        thread.join(timeout=CLIENT_TIMEOUT + 5)
    result["logins"] = dict(logins.outcomes)
    result["p50_ratio"] = round(flooded["p50_ms"] / alone["p50_ms"], 1)
    result["p99_ratio"] = round(flooded["p99_ms"] / alone["p99_ms"], 1)
    say(
        f"  creates alone: p50 {alone['p50_ms']} ms, p99 {alone['p99_ms']} ms "
        f"({alone['creates']} creates); under {CLIENTS} threads of wrong passwords: p50 "
        f"{flooded['p50_ms']} ms, p99 {flooded['p99_ms']} ms ({flooded['creates']} creates, "
        f"{counts(Counter(flooded['outcomes']))}); ×{result['p50_ratio']} / ×{result['p99_ratio']}"
    )
    say(f"  the flood: {counts(logins.outcomes)} in about {seconds:.0f} s")
    return result


def wrong_passwords(url: str, email: str, stop: threading.Event, logins: Mix) -> None:
    with httpx.Client(base_url=url, timeout=CLIENT_TIMEOUT) as http:
        outcome, response = attempt(lambda: http.get("/login"))
        csrf = csrf_of(response, "") if response is not None else ""
        while not stop.is_set():
            outcome, response = attempt(partial(sign_in, http, email, "not-the-password", csrf))
            logins.record("login", outcome)
            if response is not None:
                csrf = csrf_of(response, csrf)
            elif outcome != "timeout":
                time.sleep(0.1)  # refused or dropped: do not spin


# Running it


STEPS = ("concurrent", "kill", "mixed", "body", "flood", "burst")


def measure(
    name: str, url: str, var_dir: Path, plan: Plan, steps: set[str], seed: int
) -> dict[str, Any]:
    say(f"\n== {name}")
    began = time.monotonic()
    env = server_env(url, var_dir)
    desk = prepare(env)
    say(f"  prepared with the CLI in {time.monotonic() - began:.0f} s")
    server = WarmServer(env, var_dir / "server.log", desk.admin.token)
    results: dict[str, Any] = {}
    try:
        if "concurrent" in steps:
            results["concurrent_creates"] = concurrent(server, desk, plan.ladder, "creates")
            results["concurrent_logins"] = concurrent(server, desk, plan.ladder, "sign-ins")
        if "kill" in steps:
            results["kill"] = kill_rounds(server, desk, plan.kills, random.Random(seed))
        if "mixed" in steps:
            results["mixed"] = mixed(server, desk, plan.mixed_seconds, seed)
        if "body" in steps:
            results["body"] = [big_body(server, chunked) for chunked in (True, False)]
        if "flood" in steps:
            results["flood"] = flood(server, desk, plan)
        if "burst" in steps and name == "postgresql":
            results["burst"] = pg_burst(server, desk)
    finally:
        server.stop()
    say(f"  {name} took {time.monotonic() - began:.0f} s")
    return results


def summary(results: dict[str, dict[str, Any]], plan: Plan) -> list[tuple[str, ...]]:
    names = list(results)
    rows: list[tuple[str, ...]] = [("measurement", *names)]

    def row(label: str, show: Callable[[dict[str, Any]], str], step: str) -> None:
        if any(step in results[name] for name in names):
            cells = [show(results[name][step]) if step in results[name] else "-" for name in names]
            rows.append((label, *cells))

    def first_hang(value: dict[str, Any]) -> str:
        return str(value["first_hang"] or f"none up to {value['largest']}")

    def kills(value: dict[str, Any]) -> str:
        return (
            f"{value['acknowledged']} acked, {value['lost']} lost, {value['reused']} reused, "
            f"{value['not_found_after_201']} × 404"
        )

    def mix(value: dict[str, Any]) -> str:
        return (
            f"{value['requests']} req, {value['server_errors']} × 5xx, {value['dropped']} "
            f"dropped, {value['timeouts']} timeouts"
        )

    def body(value: list[dict[str, Any]]) -> str:
        return "; ".join(f"+{item['peak_growth_mib']} MiB, {item['answer']}" for item in value)

    def latency(value: dict[str, Any]) -> str:
        alone, flooded = value["alone"], value["flooded"]
        return (
            f"{alone['p50_ms']}/{alone['p99_ms']} → {flooded['p50_ms']}/{flooded['p99_ms']} ms "
            f"(×{value['p50_ratio']}/×{value['p99_ratio']})"
        )

    def lockout(value: dict[str, Any]) -> str:
        return f"{counts(Counter(value['lockout']['wrong']))}; right: {value['lockout']['right']}"

    def burst(value: dict[str, Any]) -> str:
        return (
            f"{value['answered_201']} × 201 in 20 s; {counts(Counter(value['outcomes']))}; "
            f"{value['stored_but_client_gave_up']} stored after giving up"
        )

    row("concurrent creates: first N that hangs", first_hang, "concurrent_creates")
    row("concurrent sign-ins (no credentials): first N that hangs", first_hang, "concurrent_logins")
    row(f"kill -9 × {plan.kills}: acked, lost, reused, 404 after 201", kills, "kill")
    row(f"{CLIENTS} clients mixed, {plan.mixed_seconds:.0f} s", mix, "mixed")
    row(f"{BODY_MIB} MiB body, bad token: peak RSS growth, answer (chunked; length)", body, "body")
    row("create p50/p99 alone → under login flood", latency, "flood")
    row(f"{LOGIN_ATTEMPTS} wrong passwords, then the right one", lockout, "flood")
    row("100 creates at once (PostgreSQL)", burst, "burst")
    return rows


LEGEND = f"""
hangs: /healthz did not answer within 5 s once every client of the burst had its answer or
  had given up ({CLIENT_TIMEOUT:.0f} s); such a server is killed and started again.
acked: answered 201; lost: its key, read after the restart, is unknown or holds another
  incident (each title is unique); reused: a lost incident's key holds another incident;
  404 after 201: a GET on another connection right after the 201.
dropped: the connection closed or was refused without an answer.
peak RSS growth: the server's VmHWM after the body minus its VmRSS before, on a fresh server.
login flood: {CLIENTS} threads sending wrong passwords for one real user as fast as answered."""


def print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for index, row in enumerate(rows):
        say("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            say("  ".join("-" * width for width in widths))


def checkout() -> str:
    """This checkout's commit; and the stabil that `python -m stabil` would run must be its own."""
    spec = importlib.util.find_spec("stabil")
    origin = Path(spec.origin).resolve() if spec and spec.origin else None
    if origin is None or not origin.is_relative_to(ROOT / "src"):
        sys.exit(
            f"{sys.executable} does not run this checkout's stabil ({origin}); use .venv/bin/python"
        )
    done = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    return done.stdout.strip() or "unknown"


@contextlib.contextmanager
def database(name: str) -> Iterator[tuple[str | None, Path]]:
    with tempfile.TemporaryDirectory(prefix=f"stabil-faults-{name}-") as directory:
        if name == "sqlite":
            yield f"sqlite:///{directory}/stabil.db", Path(directory)
        else:
            with postgres_database("faults") as url:
                yield url, Path(directory)


def stop_on_sigterm(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="fewer and shorter steps")
    parser.add_argument("--kills", type=int, default=0, help="kill -9 rounds (default 10; 3 quick)")
    parser.add_argument("--seconds", type=float, default=0, help="mixed run (default 60; 20 quick)")
    parser.add_argument("--only", default=",".join(STEPS), help=f"some of {','.join(STEPS)}")
    parser.add_argument("--seed", type=int, default=8, help="for the random kill moments and mix")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    return parser.parse_args()


def main() -> None:
    options = arguments()
    plan, steps = Plan.of(options), set(options.only.split(","))
    if steps - set(STEPS):
        sys.exit(
            f"unknown steps {', '.join(sorted(steps - set(STEPS)))}; known: {', '.join(STEPS)}"
        )
    names = ["sqlite", "postgresql"] if options.database == "both" else [options.database]
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even where a shell ignored it
    commit, began = checkout(), time.monotonic()
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    say(f"stabil {commit} at {ROOT}; {os.cpu_count()} cores, load average {load}")
    say(f"plan: {plan}")
    results: dict[str, dict[str, Any]] = {}
    try:
        for name in names:
            with database(name) as (url, var_dir):
                if url is None:
                    say(f"{name}: not measured (no server)")
                    continue
                results[name] = measure(name, url, var_dir, plan, steps, options.seed)
    except KeyboardInterrupt:
        kill_all_servers()
        sys.exit("interrupted: the servers were killed, the throw-away databases removed")
    finally:
        kill_all_servers()
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    say(f"\n== summary ({time.monotonic() - began:.0f} s; load average at the end {load})")
    if results:
        print_table(summary(results, plan))
        say(LEGEND)
    if options.json:
        document = {"commit": commit, "plan": plan.__dict__, "results": results}
        options.json.write_text(json.dumps(document, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
