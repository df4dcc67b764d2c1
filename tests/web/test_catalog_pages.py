"""The front page lists the loaded declarations and their targets; the API documents itself."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from stabil.catalog.service import load_declaration_text
from tests.conftest import BORGER_DK, EXAMPLE


def load_both(session: Session) -> None:
    for path in (BORGER_DK, EXAMPLE):
        load_declaration_text(session, path.read_text(encoding="utf-8"), path.name)


def test_front_page_lists_declarations_in_danish(client: TestClient, session: Session) -> None:
    load_both(session)
    page = client.get("/")
    assert page.status_code == 200
    html = page.text
    assert '<html lang="da">' in html
    assert "Servicedeklarationer" in html
    assert "Primær driftstid" in html
    assert "man-fre 08:30-16:30; helligdage lukket" in html
    assert "15 min (primær driftstid)" in html
    assert "2 arbejdsdage (primær driftstid)" in html
    assert "1 arbejdsdag (normal arbejdstid)" in html  # the example's P3, in the singular
    assert "1 arbejdsdage" not in html
    assert "større hændelse" in html  # the critical priority's tag, in Danish
    assert "99,7 %" in html
    assert "Eksempel på webservice-SLA" in html
    assert "Eksempel, ikke en rigtig aftale" in html


def test_front_page_in_english(client: TestClient, session: Session) -> None:
    load_both(session)
    page = client.get("/?lang=en")
    assert '<html lang="en">' in page.text
    assert "Service declarations" in page.text
    assert "Mon-Fri 08:30-16:30; holidays closed" in page.text
    assert "99.7 %" in page.text
    assert "30 working days (primary service time)" in page.text
    assert page.cookies.get("lang") == "en"


def test_front_page_without_declarations(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "stabil service load" in page.text


def test_openapi_docs(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    assert "/api/v1/services" in schema["paths"]


def test_services_api(client: TestClient, session: Session) -> None:
    load_both(session)
    services = client.get("/api/v1/services").json()
    assert [s["key"] for s in services] == ["borger-dk", "example-webservice"]
    assert services[0]["version_in_force"] == "1.0"
    declaration = client.get("/api/v1/services/borger-dk/declaration").json()
    assert declaration["metadata"]["service"] == "borger-dk"
    assert declaration["priorities"][0]["targets"]["reaction"]["value"] == 15


def test_unknown_service_is_404(client: TestClient) -> None:
    response = client.get("/api/v1/services/nope/declaration")
    assert response.status_code == 404
    assert response.json() == {"detail": "no service is named 'nope'"}


def test_a_version_of_the_declaration_is_asked_by_its_number(
    client: TestClient, session: Session
) -> None:
    load_both(session)
    asked = client.get("/api/v1/services/borger-dk/declaration?version=1.0")
    assert asked.json()["metadata"]["version"] == "1.0"
    response = client.get("/api/v1/services/borger-dk/declaration?version=9.9")
    assert response.status_code == 404
    assert response.json() == {"detail": "borger-dk has no version '9.9' (known: 1.0)"}
