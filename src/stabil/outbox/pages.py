"""HTML pages of the outbox, for admins: the local mailbox that holds mail when no SMTP is set."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from stabil.accounts.roles import Role
from stabil.outbox.mailbox import list_mail, mailbox_path, read_mail
from stabil.settings import get_settings
from stabil.web.pages import SignedIn, require_page_roles
from stabil.web.paging import PageNumber, Paging
from stabil.web.templating import render

router = APIRouter(prefix="/admin/mailbox", include_in_schema=False)
AdminPage = Annotated[SignedIn, Depends(require_page_roles(Role.admin))]
PAGE_SIZE = 50


@router.get("", response_class=HTMLResponse)
def mailbox(request: Request, signed_in: AdminPage, number: PageNumber = "1") -> HTMLResponse:
    """The mail kept in the local mailbox, the latest first."""
    settings = get_settings()
    paging = Paging.of(number)
    mails, total = list_mail(
        mailbox_path(settings.var_dir), limit=paging.size, offset=paging.offset
    )
    return render(
        request,
        "outbox/mailbox.html",
        {
            "mails": mails,
            "total": total,
            "page": paging.number,
            "pages": paging.pages(total),
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
