"""/docs: Swagger UI from a locked Python package, so it works offline and under the CSP.

FastAPI's own page loads Swagger UI from a CDN (no integrity hashes; blank without internet)
and starts it with an inline script. Here the files come from the `fastapi-offline` package,
pinned by hash in the requirements, and the page starts Swagger UI from a static script.
(The `swagger-ui-bundle` package carries Swagger UI 4, which cannot show OpenAPI 3.1.)
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from stabil.web.templating import render

SWAGGER_UI_FILES = Path(str(files("fastapi_offline") / "static"))
ASSETS_PATH = "/docs/assets"

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    return render(
        request,
        "api_docs.html",
        {"assets": ASSETS_PATH, "openapi_url": request.app.openapi_url},
    )


def install_api_docs(app: FastAPI) -> None:
    app.include_router(router)
    app.mount(ASSETS_PATH, StaticFiles(directory=SWAGGER_UI_FILES), name="swagger-ui")
