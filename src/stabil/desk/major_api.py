"""JSON routes of the major-incident process and of the start-time goal (R4, R9, R14)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, StringConstraints
from sqlalchemy.orm import Session

from stabil.accounts.auth import CurrentUser
from stabil.db.types import now_utc
from stabil.desk.events import declaration_for
from stabil.desk.kpi import StartTime, start_time
from stabil.desk.majors import is_major, orientation_of
from stabil.desk.models import Incident
from stabil.desk.review import save_review, standing_of, submit_review
from stabil.desk.service import get_incident
from stabil.errors import NotFound
from stabil.schemas import Strict, Text
from stabil.web.deps import SessionDep
from stabil.web.openapi import CONFLICT

router = APIRouter(tags=["major incidents"])


class Orientation(BaseModel):
    last_message_at: dt.datetime | None
    next_message_due: dt.datetime | None = Field(description="None once the incident is resolved.")
    overdue: bool


class ReviewOut(BaseModel):
    due_at: dt.datetime
    overdue: bool
    submitted_at: dt.datetime | None
    report: str = Field(description="The saved report, or a draft from the history.")
    saved: bool
    actions: list[dict[str, Any]]


class MajorOut(BaseModel):
    key: str
    major: bool
    orientation: Orientation | None
    review: ReviewOut | None


class Action(Strict):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    owner: Annotated[str, StringConstraints(max_length=200)] | None = None
    done: bool = False


class ReviewIn(Strict):
    report: Annotated[Text, StringConstraints(max_length=100_000)]
    actions: list[Action] = Field(default_factory=list, max_length=200)


@router.get("/incidents/{key}/major", summary="The major-incident process of an incident")
def major(key: str, user: CurrentUser, session: SessionDep) -> MajorOut:
    incident = get_incident(session, user, key)
    declaration = declaration_for(incident)
    if not is_major(incident, declaration):
        return MajorOut(key=key, major=False, orientation=None, review=None)
    now = now_utc()
    orientation = orientation_of(session, incident, declaration, now)
    try:
        review: ReviewOut | None = _review_out(session, incident, now)
    except NotFound:
        review = None  # a review exists once the incident is resolved
    return MajorOut(
        key=key,
        major=True,
        orientation=Orientation.model_validate(orientation, from_attributes=True),
        review=review,
    )


def _review_out(session: Session, incident: Incident, now: dt.datetime) -> ReviewOut:
    return ReviewOut.model_validate(standing_of(session, incident, now), from_attributes=True)


@router.get("/incidents/{key}/review", summary="The post-review report (R9.7)")
def get_review(key: str, user: CurrentUser, session: SessionDep) -> ReviewOut:
    return _review_out(session, get_incident(session, user, key), now_utc())


@router.put("/incidents/{key}/review", summary="Save the post-review report", responses=CONFLICT)
def put_review(key: str, body: ReviewIn, user: CurrentUser, session: SessionDep) -> ReviewOut:
    incident = get_incident(session, user, key, for_update=True)
    actions = [action.model_dump() for action in body.actions]
    save_review(session, user, incident, report=body.report, actions=actions)
    return _review_out(session, incident, now_utc())


@router.post(
    "/incidents/{key}/review/submit",
    summary="Send the report to the authorities",
    responses=CONFLICT,
)
def post_review(key: str, user: CurrentUser, session: SessionDep) -> ReviewOut:
    incident = get_incident(session, user, key, for_update=True)
    submit_review(session, user, incident)
    return _review_out(session, incident, now_utc())


@router.get("/services/{service}/start-time", summary="Average start time of a month (R4)")
def get_start_time(
    service: Annotated[Text, StringConstraints(max_length=64)],
    user: CurrentUser,
    session: SessionDep,
    month: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", examples=["2026-04"])],
) -> StartTime:
    return start_time(session, service, month, user)
