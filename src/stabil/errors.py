"""Refusals that any domain may raise; the web layer answers each with its status code.

Every message says what is wrong and, where it can, what would be right. A message is a
template with named values (`"{key} was sent already", key=...`): the API answers it in
English as written, and the pages look the template up in their Danish catalogue before they
fill in the values, so the same refusal reads natively in both languages.

A value that names states, actions, roles or fields is given as `Names` (listed with commas,
each name translated on a page); a value that is itself a sentence with values, such as
"message 5", as a `Phrase` (translated like a refusal's template).
"""

from __future__ import annotations

from typing import Any


class Names(tuple[str, ...]):
    """Names a refusal lists: shown joined by commas; a page translates each one."""

    __slots__ = ()

    def __format__(self, spec: str) -> str:
        return format(", ".join(self), spec)

    def __str__(self) -> str:
        return ", ".join(self)


class Phrase:
    """A value of a refusal that is a template with values of its own (`Phrase("message
    {id}", id=5)`): shown filled in; a page translates its template like a refusal's."""

    __slots__ = ("params", "template")

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __str__(self) -> str:
        return self.template.format(**self.params)

    def __repr__(self) -> str:
        return repr(str(self))


class Refusal(Exception):
    """An operation refused for a reason the caller can act on; never a server error."""

    status_code = 400

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message.format(**params) if params else message)
        self.template = message
        self.params = params

    def payload(self) -> dict[str, Any]:
        return {"detail": str(self)}

    def headers(self) -> dict[str, str]:
        return {}


class NotFound(Refusal):
    """No such thing, or one the caller may not see: the two answer alike."""

    status_code = 404


class Forbidden(Refusal):
    """The caller may see it, but its role may not do this."""

    status_code = 403


class Conflict(Refusal):
    status_code = 409


class Gone(Refusal):
    """It existed, and is no more: a link that was used or has expired."""

    status_code = 410


class TransitionNotAllowed(Conflict):
    """The record's state does not allow the step; `allowed_transitions` is what the caller
    may do instead, the same list the record shows that caller."""

    def __init__(self, message: str, allowed_transitions: list[str], **params: object) -> None:
        super().__init__(message, **params)
        self.allowed_transitions = allowed_transitions

    def payload(self) -> dict[str, Any]:
        return {"detail": str(self), "allowed_transitions": self.allowed_transitions}


class Invalid(Refusal):
    """Input that is well-formed but wrong for this record or declaration."""

    status_code = 422

    def __init__(self, field: str, message: str, **params: object) -> None:
        problem = message.format(**params) if params else message
        Exception.__init__(self, f"{field}: {problem}")
        self.template = message
        self.params = params
        self.field = field
        self.problem = problem

    def payload(self) -> dict[str, Any]:
        return {
            "detail": "invalid request",
            "errors": [{"field": self.field, "problem": self.problem}],
        }


class Unavailable(Refusal):
    """The service cannot take the request now, but may in `retry_after` seconds."""

    status_code = 503

    def __init__(self, message: str, *, retry_after: int = 1, **params: object) -> None:
        super().__init__(message, **params)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class TooManyRequests(Unavailable):
    status_code = 429
