"""Whose database is it: the demo fills only an empty one, and knows its own again.

Empty means no record of any kind but the catalogue of services (which `stabil service
load` puts there first, with the jobs it plans for each service: publishing its public site,
mailing its reports). A database holding
the demo's admin is the demo's own: running the demo again there changes nothing.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from stabil.accounts.models import ApiToken, Organisation, User
from stabil.accounts.service import find_user
from stabil.demo.people import ADMIN_EMAIL
from stabil.desk.models import Incident
from stabil.outbox.models import OutboxItem
from stabil.problems.models import Problem
from stabil.requests.models import ServiceRequest
from stabil.status.models import Message
from stabil.subscriptions.models import Subscriber, WebhookRegistration
from stabil.worker.models import Job

SERVICE_JOBS = "service:"  # the subject of the jobs planned for a service as it is loaded
RECORDS: tuple[tuple[Any, str], ...] = (
    (Organisation, "organisations"),
    (User, "users"),
    (ApiToken, "API tokens"),
    (Incident, "incidents"),
    (Problem, "problems"),
    (ServiceRequest, "service requests"),
    (Message, "operational messages"),
    (Subscriber, "subscribers"),
    (WebhookRegistration, "webhooks"),
    (OutboxItem, "notifications"),
    (Job, "jobs"),
)


def _any(model: Any) -> Any:
    found = select(model.id).limit(1)
    return found.where(Job.subject_key.not_like(f"{SERVICE_JOBS}%")) if model is Job else found


class Standing(Enum):
    empty = "empty"
    demo = "demo"  # the demo's own, made before
    foreign = "foreign"  # holds what the demo did not make


def standing(session: Session) -> tuple[Standing, list[str]]:
    """Whose the database is and, when it is someone else's, what it holds."""
    if find_user(session, ADMIN_EMAIL) is not None:
        return Standing.demo, []
    held = [what for model, what in RECORDS if session.scalar(_any(model)) is not None]
    return (Standing.foreign, held) if held else (Standing.empty, [])
