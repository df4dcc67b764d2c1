"""Benchmark of the fan-out (`make bench`): one message to 10,000 confirmed subscribers.

An operator posts one `unavailable` message about Borger.dk's log-in; the service writes a
mail per subscriber into the outbox in the same transaction, and the worker's delivery step
(as `stabil worker` runs it) sends them to an aiosmtpd server on 127.0.0.1 in a process of
its own, which notes the recipient and Message-ID of each mail it accepts. Prints the
seconds from the post to the last mail accepted (target: under 60 s), how many arrived, and
how many were duplicated or lost, on PostgreSQL (when reachable) and on SQLite. It times; it
does not fail on time.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from _databases import postgres_database
from _serve import free_port, with_parent
from stabil.accounts.models import User
from stabil.accounts.service import add_organisation, add_user
from stabil.catalog.models import Service
from stabil.catalog.service import load_declaration_text
from stabil.db.engine import make_engine
from stabil.db.migrate import upgrade
from stabil.db.types import now_utc
from stabil.declaration.communication import MessageType
from stabil.outbox.delivery import Units
from stabil.outbox.models import OutboxItem
from stabil.settings import Settings
from stabil.status.service import NewMessage, post_message
from stabil.subscriptions.models import Subscriber
from stabil.subscriptions.tokens import new_secret_token
from stabil.worker.runner import Worker

ROOT = Path(__file__).resolve().parent.parent
SUBSCRIBERS = 10_000
TARGET_SECONDS = 60.0
START_TIMEOUT = 30.0

# The mail server: every accepted mail's recipient and Message-ID, a line each.
MAIL_SERVER = r"""
import sys, time
from aiosmtpd.controller import Controller
port, notes = int(sys.argv[1]), open(sys.argv[2], "a", buffering=1)
class Note:
    async def handle_DATA(self, server, session, envelope):
        message_id = b""
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                message_id = line.split(b":", 1)[1].strip()
                break
            if not line:
                break
        for rcpt in envelope.rcpt_tos:
            notes.write(f"{rcpt} {message_id.decode()}\n")
        return "250 Message accepted"
Controller(Note(), hostname="127.0.0.1", port=port).start()
print("ready", flush=True)
while True:
    time.sleep(3600)
"""


@contextmanager
def mail_server(notes: Path) -> Iterator[int]:
    port = free_port()
    command = with_parent([sys.executable, "-c", MAIL_SERVER, str(port), str(notes)])
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        if process.stdout.readline().strip() != "ready":
            raise RuntimeError("the mail server did not start")
        yield port
    finally:
        process.kill()
        process.wait(timeout=START_TIMEOUT)


def fill(engine: Engine) -> None:
    """Borger.dk, an operator, and 10,000 confirmed subscribers of every part and type."""
    with Session(engine) as session:
        text = (ROOT / "declarations" / "borger-dk.yaml").read_text(encoding="utf-8")
        load_declaration_text(session, text, "borger-dk.yaml")
        add_organisation(session, "digst", "Digitaliseringsstyrelsen", "agency")
        add_user(session, "operator@example.org", "operator", "digst")
        service_id = session.scalars(select(Service.id)).one()
        now = now_utc()
        rows = [
            {
                "service_id": service_id,
                "email": f"drift{number:05d}@kommune{number % 98:02d}.example",
                "confirmed": True,
                "confirm_token": None,
                "unsubscribe_token": new_secret_token(),
                "created_at": now,
                "confirmed_at": now,
                "parts": [],
                "types": [],
                "language": "da",
            }
            for number in range(SUBSCRIBERS)
        ]
        session.execute(insert(Subscriber), rows)
        session.commit()


def units_on(engine: Engine) -> Units:
    @contextmanager
    def unit(*, writes: bool = True) -> Iterator[Session]:
        with Session(engine) as session:
            yield session
            session.commit()

    return unit


def post(engine: Engine) -> float:
    """Post the message as the API does, in one transaction; the seconds it took."""
    began = time.perf_counter()
    with Session(engine) as session:
        operator = session.scalars(select(User).where(User.role == "operator")).one()
        message = NewMessage(
            service="borger-dk",
            type=MessageType.unavailable,
            affected=["Log-in med MitID"],
            title="Log-in virker ikke",
            body="Borgere kan ikke logge ind på Borger.dk. Vi arbejder på en løsning.",
            body_en="Citizens cannot log in to Borger.dk. We are working on a fix.",
        )
        post_message(session, operator, message)
        session.commit()
    return time.perf_counter() - began


def deliver(engine: Engine, port: int, var_dir: Path) -> float:
    """The worker's delivery step until nothing is due; the seconds it took."""
    settings = Settings(
        var_dir=var_dir, smtp_host="127.0.0.1", smtp_port=port, mail_from="drift@borger.example"
    )
    worker = Worker(settings=settings, units=units_on(engine))
    began = time.perf_counter()
    worker.deliver()
    return time.perf_counter() - began


def received(notes: Path) -> Counter[str]:
    """How many times each recipient got the message, as the mail server noted."""
    lines = notes.read_text().splitlines() if notes.exists() else []
    return Counter(line.split(" ", 1)[0] for line in lines)


def states(engine: Engine) -> Counter[str]:
    with Session(engine) as session:
        return Counter(session.scalars(select(OutboxItem.state)))


def measure(name: str, url: str, directory: Path) -> None:
    engine = make_engine(url)
    upgrade(engine)
    fill(engine)
    notes = directory / f"{name}-received.txt"
    with mail_server(notes) as port:
        posting = post(engine)
        sending = deliver(engine, port, directory)
        time.sleep(0.5)  # the server notes the last mail after it has answered it
    got = received(notes)
    duplicates = sum(count - 1 for count in got.values() if count > 1)
    lost = SUBSCRIBERS - len(got)
    total = posting + sending
    verdict = "meets" if total < TARGET_SECONDS and not duplicates and not lost else "misses"
    print(
        f"{name:<11} {SUBSCRIBERS:,} subscribers: {total:5.1f} s "
        f"(posting {posting:4.1f} s, delivering {sending:5.1f} s, "
        f"{SUBSCRIBERS / total:4.0f} mails/s); delivered {sum(got.values()):,}, "
        f"duplicates {duplicates}, lost {lost}; outbox {dict(states(engine))}; "
        f"{verdict} < {TARGET_SECONDS:.0f} s"
    )
    engine.dispose()


def main() -> None:
    print(
        f"one message to {SUBSCRIBERS:,} confirmed subscribers, delivered by the worker "
        f"to aiosmtpd on 127.0.0.1 (a process of its own)"
    )
    with tempfile.TemporaryDirectory() as directory:
        with postgres_database("fanout") as url:
            if url:
                measure("postgresql", url, Path(directory))
        measure("sqlite", f"sqlite:///{directory}/bench.db", Path(directory))


if __name__ == "__main__":
    sys.exit(main())
