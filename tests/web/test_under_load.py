"""The real server under bursts: every request answered, /healthz and the worker alive throughout.

Before the admission of requests to the database (stabil.web.admission), 42 writes at once
hung the server on SQLite for good: every worker thread waited for the one write lock, and
the request holding it never got a thread to commit.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.cast import Member
from tests.web.served import HealthWatch, Served, at_once, served

BURST = 100
ANSWER_BOUND_SECONDS = 20  # the queue timeout (5 s) plus the time to serve the queue, twice
HEALTH_BOUND_SECONDS = 5  # far from a hang, yet safe on a busy two-core machine


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)],
)
def app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """One server per database for the module: starting one takes seconds, and each test's
    data stands apart from the others'."""
    with served(request.param, tmp_path_factory.mktemp(request.param)) as running:
        yield running


def new_incident(number: int) -> dict[str, Any]:
    return {
        "service": "borger-dk",
        "title": f"Selvbetjening svarer ikke ({number})",
        "impact": {"users_affected_percent": 10},
    }


def timed(call: Any) -> tuple[Any, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_a_hundred_writes_at_once_are_all_answered(app: Served) -> None:
    def create(number: int) -> tuple[int, str | None, float]:
        with app.client(app.cast.operator) as client:
            body = new_incident(number)
            answer, seconds = timed(lambda: client.post("/api/v1/incidents", json=body))
            key = answer.json().get("key") if answer.status_code == 201 else None
            return answer.status_code, key, seconds

    with HealthWatch(app.url) as health:
        results = at_once(BURST, create)
    errors = [result for result in results if isinstance(result, Exception)]
    assert errors == [], errors
    statuses = Counter(status for status, _, _ in results)
    assert set(statuses) <= {201, 503}, statuses
    # 503 only for those the queue could not serve within its timeout: on a quiet machine
    # none, on one as busy as a loaded CI runner some; never all.
    assert statuses[201] >= 10, statuses
    assert max(seconds for _, _, seconds in results) < ANSWER_BOUND_SECONDS
    assert health.failures == []
    assert health.slowest < HEALTH_BOUND_SECONDS
    keys = [key for _, key, _ in results if key]
    assert len(set(keys)) == len(keys)  # no key given twice
    with app.client(app.cast.viewer) as reader:
        assert all(reader.get(f"/api/v1/incidents/{key}").status_code == 200 for key in keys)
    app.queue_mail("Efter stormen")
    app.wait_until_delivered()  # the worker in the same process still works


def test_simultaneous_reads_with_unused_tokens_never_fail(app: Served) -> None:
    # Each first use of a token is recorded; before, that write inside the read answered
    # "database is locked" (500) to 7 of 8 simultaneous GETs on SQLite.
    cast = app.cast
    members = [cast.admin, cast.operator, cast.viewer, cast.supplier, cast.other_supplier]
    members += [cast.authority, cast.other_authority, cast.operator]

    def read(number: int) -> int:
        with app.client(members[number]) as client:
            return client.get("/api/v1/incidents", params={"limit": 5}).status_code

    for _burst in range(3):
        assert at_once(len(members), read) == [200] * len(members)


def login_form(client: httpx.Client) -> str:
    page = client.get("/login")
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def test_a_hundred_failed_sign_ins_at_once_are_answered_and_limited(app: Served) -> None:
    operator = app.cast.operator.user.email

    def sign_in(_number: int) -> int:
        with app.client() as client:
            csrf = login_form(client)
            form = {"email": operator, "password": "not the password", "csrf": csrf}
            return client.post("/login", data=form).status_code

    with HealthWatch(app.url) as health:
        statuses = Counter(at_once(BURST, sign_in))
    assert set(statuses) <= {400, 429, 503}, statuses
    assert statuses[429] > 0  # all from one address and for one account: the limit holds
    assert health.failures == []
    assert health.slowest < HEALTH_BOUND_SECONDS
    with app.client(app.cast.operator) as client:
        answer, seconds = timed(lambda: client.post("/api/v1/incidents", json=new_incident(0)))
    assert answer.status_code == 201
    assert seconds < HEALTH_BOUND_SECONDS
    app.queue_mail("Efter loginstormen")
    app.wait_until_delivered()


class Mix:
    """Clients doing every kind of thing the desk offers, checking each other's writes."""

    def __init__(self, app: Served) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.keys: list[str] = []
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.problems: list[str] = []

    def run(self, member: Member, seconds: float, seed: int) -> None:
        chance = random.Random(seed)
        deadline = time.monotonic() + seconds
        with self.app.client(member) as client:
            while time.monotonic() < deadline:
                action = chance.choice(self.actions)
                try:
                    action(self, client, chance)
                except httpx.TransportError as error:
                    self.problems.append(f"{action.__name__}: {error!r}")

    def note(self, what: str, answer: httpx.Response) -> None:
        with self.lock:
            self.statuses[(what, answer.status_code)] += 1

    def pick(self, chance: random.Random) -> str | None:
        with self.lock:
            return chance.choice(self.keys) if self.keys else None

    def create(self, client: httpx.Client, chance: random.Random) -> None:
        answer = client.post("/api/v1/incidents", json=new_incident(chance.randrange(10**6)))
        self.note("create", answer)
        if answer.status_code != 201:
            return
        key = answer.json()["key"]
        # Read at once by another client: an acknowledged write is there for everyone.
        with self.app.client(self.app.cast.viewer) as other:
            seen = other.get(f"/api/v1/incidents/{key}")
        if seen.status_code != 200:
            self.problems.append(f"{key} answered {seen.status_code} right after its 201")
        with self.lock:
            self.keys.append(key)

    def read(self, client: httpx.Client, chance: random.Random) -> None:
        key = self.pick(chance)
        if key:
            self.note("read", client.get(f"/api/v1/incidents/{key}"))
            self.note("events", client.get(f"/api/v1/incidents/{key}/events"))

    def list(self, client: httpx.Client, chance: random.Random) -> None:
        self.note("list", client.get("/api/v1/incidents", params={"limit": 20}))
        self.note("messages", client.get("/api/v1/messages"))
        self.note("me", client.get("/api/v1/me"))

    def edit(self, client: httpx.Client, chance: random.Random) -> None:
        key = self.pick(chance)
        if key:
            title = {"title": f"Rettet titel {chance.randrange(1000)}"}
            self.note("edit", client.patch(f"/api/v1/incidents/{key}", json=title))

    def hand_over(self, client: httpx.Client, chance: random.Random) -> None:
        key = self.pick(chance)
        if key:
            body = {"to": "handed_over", "party": "supplier-a"}
            self.note("transition", client.post(f"/api/v1/incidents/{key}/transitions", json=body))

    def sign_in(self, client: httpx.Client, chance: random.Random) -> None:
        with self.app.client() as browser:
            csrf = login_form(browser)
            form = {"email": "nobody@digst.example", "password": "wrong", "csrf": csrf}
            self.note("sign-in", browser.post("/login", data=form))

    actions = (create, create, read, read, list, edit, hand_over, sign_in)


def test_eight_clients_mixing_everything_get_no_server_error(app: Served) -> None:
    mix = Mix(app)
    members = [app.cast.operator, app.cast.admin] * 4
    threads = [
        threading.Thread(target=mix.run, args=(member, 5.0, seed), daemon=True)
        for seed, member in enumerate(members)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
        assert not thread.is_alive(), "a client did not end within a minute"
    assert mix.problems == []
    server_errors = {key: n for key, n in mix.statuses.items() if key[1] >= 500}
    assert server_errors == {}
    # Enough happened to mean something, even on a busy machine: every client wrote.
    assert mix.statuses[("create", 201)] >= len(members), mix.statuses
    assert sum(n for (what, _), n in mix.statuses.items() if what == "transition") > 0
