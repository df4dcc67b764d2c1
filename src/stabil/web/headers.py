"""Security headers on every answer: API, pages, static files and errors alike.

The policy allows only what the app serves itself. Pages and /docs load their scripts, styles,
fonts and images from this origin; no page has an inline script or style attribute, so none
needs 'unsafe-inline'. `data:` images are allowed because the design system's and Swagger
UI's style sheets draw their icons as data: URIs; an image cannot run script.

The referrer is sent only within the site (`same-origin`): page addresses carry incident keys,
search terms and unsubscribe tokens, and no other site needs to learn even the host name a
visitor came from (which `strict-origin-when-cross-origin` would still tell it).
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
ALWAYS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",  # frame-ancestors' counterpart for browsers without CSP 2
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
# A year: the usual minimum for browsers' preload lists. Sub-domains are left out, as this
# app cannot know whether the other hosts under its name speak TLS.
STRICT_TRANSPORT_SECURITY = "max-age=31536000"
NO_STORE = "no-store"


class SecurityHeaders:
    """Pure ASGI middleware adding the headers above, and `Cache-Control: no-store` where due.

    Personal answers must not stay in a browser's or a proxy's cache: every answer to a
    request that is signed in (the session cookie or an Authorization header) and every API
    answer (an API route may set its own Cache-Control, e.g. for public data). Files under
    `public_prefixes` are the same for everyone and stay cacheable.
    """

    def __init__(
        self, app: ASGIApp, *, session_cookie: str, public_prefixes: Sequence[str]
    ) -> None:
        self.app = app
        self.session_cookie = session_cookie
        self.public_prefixes = tuple(public_prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = _site_path(scope)
        public = path.startswith(self.public_prefixes)
        signed_in = not public and self._signed_in(scope)
        api = path.startswith("/api/")
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in ALWAYS.items():
                    headers.setdefault(name, value)
                if https:
                    headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
                if signed_in:
                    headers["Cache-Control"] = NO_STORE
                elif api:
                    headers.setdefault("Cache-Control", NO_STORE)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _signed_in(self, scope: Scope) -> bool:
        for name, value in scope["headers"]:
            if name == b"authorization":
                return True
            if name == b"cookie" and self.session_cookie in cookie_parser(value.decode("latin-1")):
                return True
        return False


def _site_path(scope: Scope) -> str:
    """The path within the app, without the prefix a proxy may mount it under."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path.removeprefix(root) if root and path.startswith(root) else path
