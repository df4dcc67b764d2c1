"""The unsubscribe link in every subscriber's e-mail: a page that asks, and a POST that acts.

Opening the link changes nothing (mail scanners open links too); the button, or a one-click
POST from the mail program (RFC 8058), ends the subscription. Danish first, English below.
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from stabil.subscriptions.service import subscription_for_token, unsubscribe
from stabil.web.deps import SessionDep

router = APIRouter(prefix="/status", include_in_schema=False)

PAGE = """<!doctype html>
<html lang="da"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{title}</title></head>
<body><main><h1>{title}</h1>{content}</main></body></html>
"""
UNKNOWN = (
    "<p>Linket hører ikke til et abonnement. Måske er du allerede afmeldt.</p>"
    '<p lang="en">This link belongs to no subscription. Perhaps you have unsubscribed already.</p>'
)


def _page(title: str, content: str, status_code: int = 200) -> HTMLResponse:
    # The page shows the subscriber's address to whoever holds the link: no cache keeps it.
    return HTMLResponse(
        PAGE.format(title=escape(title), content=content),
        status_code,
        headers={"Cache-Control": "no-store"},
    )


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
def ask(token: str, session: SessionDep) -> HTMLResponse:
    subscriber = subscription_for_token(session, token)
    if subscriber is None:
        return _page("Afmelding / Unsubscribe", UNKNOWN, 404)
    email = escape(subscriber.email)
    service = escape(subscriber.service.name_da)
    content = (
        f"<p>Vil du afmelde {email} fra driftsmeddelelser for {service}?</p>"
        f'<p lang="en">Unsubscribe {email} from operational messages for {service}?</p>'
        '<form method="post"><button type="submit">Afmeld / Unsubscribe</button></form>'
    )
    return _page("Afmelding / Unsubscribe", content)


@router.post("/unsubscribe/{token}", response_class=HTMLResponse)
def act(token: str, session: SessionDep) -> HTMLResponse:
    subscriber = unsubscribe(session, token)
    if subscriber is None:
        return _page("Afmelding / Unsubscribe", UNKNOWN, 404)
    email = escape(subscriber.email)
    content = (
        f"<p>{email} får ikke flere driftsmeddelelser.</p>"
        f'<p lang="en">{email} will get no more operational messages.</p>'
    )
    return _page("Afmeldt / Unsubscribed", content)
