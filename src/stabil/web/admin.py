"""What the administration pages share: only admins open them, each action is a small
CSRF-checked form, and an action answers in place with htmx or with a 303 without it.

Every page of the administration has its main region `#admin-main`; a form posts with htmx
and swaps that region from the answer, which is always a whole page, so the same answer
serves a browser without JavaScript.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import Response

from stabil.accounts.roles import Role
from stabil.web.deps import Units
from stabil.web.pages import (
    SignedIn,
    is_fragment,
    require_form_roles,
    require_page_roles,
    see_other,
    signed_in_user,
)

AdminPage = Annotated[SignedIn, Depends(require_page_roles(Role.admin))]
AdminForm = Annotated[SignedIn, Depends(require_form_roles(Role.admin))]
# Unbounded here: the body limit bounds a form, and a field's own bound is the service's (or
# the schema's) to refuse at that field; FastAPI's would answer a page with JSON.
FormText = Annotated[str, Form()]
REGION = "#admin-main"
_admin_form = require_form_roles(Role.admin)


def back_from(raw: str, section: str) -> str:
    """Where an action returns: the list it was posted from (with its page and filter), a
    path of `section` only, else the section itself."""
    if raw.startswith(section) and raw[len(section) : len(section) + 1] in ("", "?", "/"):
        return raw
    return section


def done(request: Request, url: str) -> Response:
    """After an action: the list at `url` again, swapped in place with htmx, or a 303."""
    if is_fragment(request):
        where = {"path": url, "target": REGION, "select": REGION, "swap": "outerHTML"}
        return Response(status_code=204, headers={"HX-Location": json.dumps(where)})
    return see_other(request, url)


async def admin_of_form(request: Request, units: Units, csrf: str) -> SignedIn:
    """`AdminForm` for an async route that must not hold a transaction while it works (while
    it hashes a password, say): the session is read in a unit of its own."""
    who = await units.run(lambda session: signed_in_user(request, session), writes=False)
    return _admin_form(request, who, csrf)
