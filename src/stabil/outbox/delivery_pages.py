"""The administration's page of the outbox: what waits to be delivered, what kept failing
and is parked, and what was sent; a parked notification is retried with a button.

Admins only. The list and the retry are the same service functions as `GET /outbox` and
`POST /outbox/{id}/retry`. The local mailbox, where mail is kept while no SMTP server is
set, has its own pages (`/admin/mailbox`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from stabil.db.types import now_utc
from stabil.errors import Refusal
from stabil.outbox.manage import OutboxFilter, list_outbox, retry, state_counts
from stabil.outbox.models import DeliveryState
from stabil.web.admin import AdminForm, AdminPage, FormText, back_from, done
from stabil.web.deps import SessionDep
from stabil.web.pages import SignedIn, page, problem_of
from stabil.web.paging import PageNumber, Paging
from stabil.web.params import RowId

router = APIRouter(prefix="/admin/outbox", include_in_schema=False)
OUTBOX = "/admin/outbox"
StateFilter = Annotated[str, Query(alias="state")]
# The tabs, in the order of what needs an admin first.
STATES = (DeliveryState.parked, DeliveryState.pending, DeliveryState.sent)


def _state(raw: str) -> DeliveryState:
    """The state asked for; the parked ones, which need an admin, for anything else."""
    return DeliveryState(raw) if raw in DeliveryState.__members__ else DeliveryState.parked


def _outbox(
    request: Request,
    who: SignedIn,
    session: Session,
    state: DeliveryState = DeliveryState.parked,
    paging: Paging | None = None,
    status_code: int = 200,
    **shown: Any,
) -> HTMLResponse:
    paging = paging or Paging()
    wanted = OutboxFilter(state=state.value)
    items, total = list_outbox(session, wanted, limit=paging.size, offset=paging.offset)
    query = f"?state={state.value}" + (f"&page={paging.number}" if paging.number > 1 else "")
    context = {
        "items": items,
        "total": total,
        "state": state.value,
        "states": [item.value for item in STATES],
        "waiting": state_counts(session),
        "paging": paging,
        "pages": paging.pages(total),
        "back": OUTBOX + query,
        "problem": None,
        **shown,
    }
    return page(request, "outbox/delivery.html", who, context, status_code)


@router.get("", response_class=HTMLResponse)
def outbox(
    request: Request,
    who: AdminPage,
    session: SessionDep,
    state: StateFilter = "parked",
    number: PageNumber = "1",
) -> HTMLResponse:
    return _outbox(request, who, session, _state(state), Paging.of(number))


@router.post("/{item_id}/retry", response_class=HTMLResponse)
def retry_parked(
    request: Request, item_id: RowId, who: AdminForm, session: SessionDep, back: FormText = ""
) -> Response:
    """Put a parked notification back in the queue, due now; its attempts are kept."""
    try:
        retry(session, item_id, now_utc())
    except Refusal as refusal:
        problem = problem_of(request, refusal)
        return _outbox(request, who, session, status_code=problem.status_code, problem=problem)
    return done(request, back_from(back, OUTBOX))
