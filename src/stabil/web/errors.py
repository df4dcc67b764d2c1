"""Every error answered as a clear message: JSON for the API, never a traceback."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from stabil.errors import Refusal

DATABASE_RETRY_AFTER_SECONDS = 2

log = logging.getLogger("stabil.web")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(Refusal, _refusal)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected_error)


async def _http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
    if isinstance(error.__cause__, UnicodeDecodeError):
        # FastAPI's "error parsing the body" (400) says neither what is wrong nor what is right.
        return _invalid([{"field": "body", "problem": "is not UTF-8 text (send JSON in UTF-8)"}])
    return JSONResponse(
        {"detail": error.detail}, status_code=error.status_code, headers=error.headers
    )


async def _refusal(_request: Request, error: Refusal) -> JSONResponse:
    return JSONResponse(error.payload(), status_code=error.status_code, headers=error.headers())


async def _validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
    return _invalid([_problem(item) for item in error.errors()])


def _problem(item: dict[str, Any]) -> dict[str, str]:
    if item["type"] == "json_invalid":
        # Its location is a character offset, not a field.
        reason = item.get("ctx", {}).get("error", "malformed")
        return {
            "field": "body",
            "problem": f"is not valid JSON: {reason} at character {item['loc'][-1]}",
        }
    return {
        "field": ".".join(str(part) for part in item["loc"] if part != "body") or "body",
        "problem": str(item["msg"]).removeprefix("Value error, "),
    }


def _invalid(problems: list[dict[str, str]]) -> JSONResponse:
    """The shape of every 422: `ValidationError` in the OpenAPI schema (web/openapi.py)."""
    return JSONResponse({"detail": "invalid request", "errors": problems}, status_code=422)


async def _unexpected_error(_request: Request, error: Exception) -> JSONResponse:
    if isinstance(error, SQLAlchemyError):
        # The database refused or failed, maybe at the commit. Whatever it was, no success
        # was answered; a repeat with the same Idempotency-Key cannot act twice.
        log.error("database error: %s", error)
        return JSONResponse(
            {
                "detail": "the database could not complete the request; try again in a "
                "moment (with the same Idempotency-Key a repeat is safe)"
            },
            status_code=503,
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
        )
    log.exception("unexpected error", exc_info=error)
    return JSONResponse(
        {"detail": "an unexpected error occurred; it has been logged"}, status_code=500
    )
