"""How every form on a record's page answers (`stabil.web.pages.answer_form`)."""

from __future__ import annotations

import pytest
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.requests import Request

from stabil.accounts.models import Organisation
from stabil.accounts.service import add_organisation
from stabil.errors import Invalid
from stabil.web.pages import Problem, answer_form, validation_problem


def request(*headers: tuple[bytes, bytes]) -> Request:
    return Request({"type": "http", "query_string": b"", "headers": list(headers)})


class Reason(BaseModel):
    reason: str


def organisations(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Organisation)) or 0


def answered(session: Session, work: object, *headers: tuple[bytes, bytes]) -> Response:
    assert callable(work)
    return answer_form(
        request(*headers),
        session,
        work,
        refused=lambda problem: PlainTextResponse(
            f"{problem.field}: {problem.text}", status_code=problem.status_code
        ),
        in_place=lambda: PlainTextResponse("the record, changed"),
        done_url=lambda: "/desk/problems/PRB-1?done=note",
    )


def test_a_refusal_half_way_leaves_nothing_behind(session: Session) -> None:
    def work() -> None:
        add_organisation(session, "halfway", "Halvvejs", "supplier")
        raise Invalid("reason", "must be filled in")

    answer = answered(session, work)
    session.commit()  # as the request does: it answers with a page, not an error
    assert answer.status_code == 422
    assert answer.body.decode() == "reason: skal udfyldes"
    assert organisations(session) == 0


def test_a_schema_error_shows_at_its_field_in_danish(session: Session) -> None:
    def work() -> None:
        add_organisation(session, "halfway", "Halvvejs", "supplier")
        Reason.model_validate({})

    answer = answered(session, work)
    assert (answer.status_code, answer.body.decode()) == (422, "reason: Udfyld feltet.")
    assert organisations(session) == 0


@pytest.mark.parametrize(
    ("headers", "status", "location"),
    [
        ((), 303, ("location", "/desk/problems/PRB-1?done=note")),
        (((b"hx-request", b"true"),), 200, None),
    ],
)
def test_done_it_answers_in_place_for_htmx_and_with_a_redirect_without(
    session: Session,
    headers: tuple[tuple[bytes, bytes], ...],
    status: int,
    location: tuple[str, str] | None,
) -> None:
    answer = answered(
        session, lambda: add_organisation(session, "kept", "Beholdt", "supplier"), *headers
    )
    assert answer.status_code == status
    if location:
        assert answer.headers[location[0]] == location[1]
    else:
        assert answer.body.decode() == "the record, changed"
    assert organisations(session) == 1


def test_a_list_items_error_names_the_list_not_the_index() -> None:
    class Keys(BaseModel):
        incidents: list[int]

    with pytest.raises(ValidationError) as caught:
        Keys.model_validate({"incidents": ["x"]})
    problem: Problem = validation_problem(request(), caught.value)
    assert problem.field == "incidents"
