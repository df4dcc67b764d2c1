"""Every page a signed-in role can open passes axe-core's WCAG 2.1 A and AA rules, in Danish
and in English, with content on it (a major incident, a problem, a service request, a
message), so that the rules see tables, forms and timers, not empty states."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.harness import Live, assert_accessible, sign_in
from tests.cast import Member

ROLES = ("admin", "operator", "viewer", "supplier", "authority")
COMMON = ("/desk", "/account/password")
BY_ROLE = {
    "admin": (
        "/desk/report",
        "/desk/incidents/{key}",
        "/desk/majors",
        "/desk/majors/{key}",
        "/desk/messages",
        "/desk/problems",
        "/desk/requests",
        "/admin",
        "/admin/mailbox",
    ),
    "operator": (
        "/desk/report",
        "/desk/incidents/{key}",
        "/desk/majors",
        "/desk/majors/{key}",
        "/desk/messages",
        "/desk/problems",
        "/desk/requests",
    ),
    "viewer": ("/desk/incidents/{key}", "/desk/majors/{key}", "/desk/problems", "/desk/requests"),
    "supplier": ("/desk/incidents/{key}", "/desk/requests"),
    "authority": ("/desk/report", "/desk/incidents/{key}", "/desk/requests", "/desk/requests/new"),
}


@pytest.fixture(scope="module")
def major(live: Live) -> str:
    """A P1 incident reported by the authority and handed to the supplier, seen by everyone."""
    cast = live.cast
    with live.app.client(cast.authority) as api:
        created = api.post(
            "/api/v1/incidents",
            json={
                "service": "borger-dk",
                "title": "Log-in fejler for alle",
                "impact": {"users_affected_percent": 100, "central_function": True},
            },
        )
        assert created.status_code == 201, created.text
        key: str = created.json()["key"]
    with live.app.client(cast.operator) as api:
        handed = api.post(
            f"/api/v1/incidents/{key}/transitions",
            json={"to": "handed_over", "party": "supplier-a"},
        )
        assert handed.status_code == 200, handed.text
    return key


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_role_is_accessible(
    page: Page, live: Live, major: str, role: str, lang: str
) -> None:
    member: Member = getattr(live.cast, role)
    sign_in(page, member, next="/account/password")
    for path in (*COMMON, *BY_ROLE[role]):
        url = path.format(key=major)
        answer = page.goto(f"{url}{'&' if '?' in url else '?'}lang={lang}")
        assert answer is not None
        assert answer.status == 200, f"{role} {url}: {answer.status}"
        assert_accessible(page)
