"""`kill -9` of the server mid-burst loses nothing it acknowledged and reuses no key.

Before the session committed ahead of the answer, a kill between the two lost incidents
that had been answered 201, and their keys went to other incidents afterwards.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.web.served import Served, served

ROUNDS = 2
CLIENTS = 6


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    # A short lease: mail claimed by the killed server's worker is taken up again soon.
    with served(request.param, tmp_path, STABIL_OUTBOX_LEASE_SECONDS="2") as running:
        yield running


class Burst:
    """Clients writing as fast as they can until the server dies under them."""

    def __init__(self, app: Served, round_number: int) -> None:
        self.app = app
        self.round = round_number
        self.incidents: dict[str, str] = {}  # key: the title it was acknowledged with
        self.messages = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def create_incidents(self, client_number: int) -> None:
        with self.app.client(self.app.cast.operator) as client:
            for n in range(10**6):
                if self.stop.is_set():
                    return
                title = f"Runde {self.round}, klient {client_number}, nr. {n}"
                body = {"service": "borger-dk", "title": title}
                try:
                    answer = client.post("/api/v1/incidents", json=body)
                except httpx.TransportError:
                    return  # the server is gone: what was not answered was never promised
                if answer.status_code == 201:
                    with self.lock:
                        self.incidents[answer.json()["key"]] = title

    def create_one(self) -> None:
        with self.app.client(self.app.cast.operator) as client:
            title = f"Runde {self.round}, første"
            answer = client.post("/api/v1/incidents", json={"service": "borger-dk", "title": title})
            assert answer.status_code == 201, answer.text
            self.incidents[answer.json()["key"]] = title

    def post_messages(self) -> None:
        body = {
            "service": "borger-dk",
            "type": "slow",
            "affected": ["Selvbetjening"],
            "title": f"Langsom selvbetjening (runde {self.round})",
            "body": "Vi undersøger det.",
        }
        with self.app.client(self.app.cast.operator) as client:
            while not self.stop.is_set():
                try:
                    answer = client.post("/api/v1/messages", json=body)
                except httpx.TransportError:
                    return
                if answer.status_code == 201:
                    with self.lock:
                        self.messages += 1

    def run_until_killed(self, seconds: float) -> None:
        self.create_one()  # the first write after a start loads the declaration's clock
        threads = [
            threading.Thread(target=self.create_incidents, args=(n,), daemon=True)
            for n in range(CLIENTS)
        ]
        threads.append(threading.Thread(target=self.post_messages, daemon=True))
        for thread in threads:
            thread.start()
        time.sleep(seconds)
        self.app.kill()
        self.stop.set()
        for thread in threads:
            thread.join(30)
            assert not thread.is_alive(), "a client did not stop within 30 s of the kill"


def test_every_acknowledged_write_survives_kill_minus_9(app: Served) -> None:
    chance = random.Random(9)
    with app.client(app.cast.admin) as admin:
        subscribed = {"service": "borger-dk", "email": "abonnent@aarhus.example"}
        assert admin.post("/api/v1/subscribers", json=subscribed).status_code == 201
    acknowledged: dict[str, str] = {}
    messages = 0
    for round_number in range(ROUNDS):
        burst = Burst(app, round_number)
        burst.run_until_killed(chance.uniform(1.0, 2.0))
        reused = set(burst.incidents) & set(acknowledged)
        assert reused == set(), f"keys acknowledged twice: {sorted(reused)}"
        acknowledged |= burst.incidents
        messages += burst.messages
        app.start()
    assert len(acknowledged) > 20, "the bursts wrote too little to prove anything"
    with app.client(app.cast.viewer) as reader:
        for key, title in acknowledged.items():
            answer = reader.get(f"/api/v1/incidents/{key}")
            assert answer.status_code == 200, f"{key} was acknowledged, then lost"
            assert answer.json()["title"] == title, f"{key} was given to another incident"
        listed = reader.get("/api/v1/messages", params={"limit": 200}).json()
    assert listed["total"] >= messages
    app.wait_until_delivered(timeout=60)  # the mail of every message, after all the kills
