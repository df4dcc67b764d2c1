"""Every error answered as a clear message: JSON for the API, never a traceback."""

from __future__ import annotations

import logging

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
    return JSONResponse(
        {"detail": error.detail}, status_code=error.status_code, headers=error.headers
    )


async def _refusal(_request: Request, error: Refusal) -> JSONResponse:
    return JSONResponse(error.payload(), status_code=error.status_code, headers=error.headers())


async def _validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
    problems = [
        {
            "field": ".".join(str(part) for part in item["loc"] if part != "body") or "body",
            "problem": str(item["msg"]).removeprefix("Value error, "),
        }
        for item in error.errors()
    ]
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
