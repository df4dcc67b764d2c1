"""HTML pages of the outbox, for admins: the local mailbox that holds mail when no SMTP is set."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from stabil.accounts.roles import Role
from stabil.outbox.mailbox import list_mail, mailbox_path, read_mail
from stabil.settings import get_settings
from stabil.web.pages import SignedIn, require_page_roles
from stabil.web.templating import render

router = APIRouter(prefix="/admin/mailbox", include_in_schema=False)
AdminPage = Annotated[SignedIn, Depends(require_page_roles(Role.admin))]
PAGE_SIZE = 50


@router.get("", response_class=HTMLResponse)
def mailbox(
    request: Request, signed_in: AdminPage, page: Annotated[int, Query(ge=1, le=100_000)] = 1
) -> HTMLResponse:
    """The mail kept in the local mailbox, the latest first."""
    settings = get_settings()
    mails, total = list_mail(
        mailbox_path(settings.var_dir), limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    return render(
        request,
        "outbox/mailbox.html",
        {
            "mails": mails,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "smtp_host": settings.smtp_host,
            "signed_in": signed_in,
        },
    )


@router.get("/{key}", response_class=HTMLResponse)
def message(request: Request, key: str, signed_in: AdminPage) -> HTMLResponse:
    """One message of the local mailbox, with its text."""
    mail = read_mail(mailbox_path(get_settings().var_dir), key)
    return render(
        request,
        "outbox/message.html",
        {"mail": mail, "signed_in": signed_in},
        status_code=200 if mail else 404,
    )
