"""Every page a signed-in role can reach passes axe-core's WCAG 2.1 A and AA rules in Danish,
and every page the admin reaches (every kind there is) in English as well.

The pages are not listed here: each role's browser follows every link from its menu onwards,
so a page added to the app is checked as soon as a link leads to it. The database holds one
of each kind of record (a major incident, a problem, a service request, an operational
message, a change, a subscriber, a webhook, a release), so that the rules see tables, forms
and timers, not empty states. Pages of the same kind (two incidents, two problems) are checked
once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page

from stabil.web.navigation import landing_for, menu_for
from tests.browser.harness import Live, assert_accessible, sign_in
from tests.cast import Member

# The viewer's pages are the operator's without their forms: the operator's crawl checks them.
ROLES = ("admin", "operator", "supplier", "authority")
# Where a role's pages are; the sign-out, the API's documentation and the public pages are
# checked by the tests of their own.
SIGNED_IN_AREAS = ("/desk", "/admin", "/account")
NOT_PAGES = ("/logout",)
# A segment with a digit in it names a record: BDK-2026-000001, 17, a token's id.
RECORD = re.compile(r"[^/]*\d[^/]*")
AT_MOST = 60  # pages per role: far more than there are, so that a loop of links ends


@pytest.fixture(scope="module")
def content(live: Live) -> None:
    """A major incident reported by the authority and handed to the supplier, with a problem,
    a message, a service request, a change, a subscriber, a webhook and a service window
    beside it."""
    cast = live.cast
    with live.app.client(cast.authority) as authority:
        created = authority.post(
            "/api/v1/incidents",
            json={
                "service": "borger-dk",
                "title": "Log-in fejler for alle",
                "impact": {"users_affected_percent": 100, "central_function": True},
            },
        )
        assert created.status_code == 201, created.text
        major: str = created.json()["key"]
        request = {"service": "borger-dk", "title": "Ny bruger til Aarhus", "category": "access"}
        assert authority.post("/api/v1/requests", json=request).status_code == 201
    with live.app.client(cast.operator) as operator:
        writes = [
            (
                f"/api/v1/incidents/{major}/transitions",
                {"to": "handed_over", "party": "supplier-a"},
            ),
            (
                "/api/v1/problems",
                {"service": "borger-dk", "title": "Kø i log-in", "incidents": [major]},
            ),
            (
                "/api/v1/changes",
                {
                    "service": "borger-dk",
                    "type": "normal",
                    "title": "Ny version af log-in",
                    "risk": "medium",
                    "start": "2030-05-04T01:00:00+02:00",
                    "end": "2030-05-04T03:00:00+02:00",
                    "implementation_plan": "Udrul og genstart.",
                    "fallback_plan": "Rul tilbage til forrige version.",
                },
            ),
            (
                "/api/v1/messages",
                {
                    "service": "borger-dk",
                    "type": "unavailable",
                    "affected": ["Log-in"],
                    "title": "Log-in virker ikke",
                    "body": "Borgere kan ikke logge ind. Vi arbejder på det.",
                    "incidents": [major],
                },
            ),
            ("/api/v1/windows", _window_this_year()),
        ]
        for path, body in writes:
            answer = operator.post(path, json=body)
            assert answer.status_code in (200, 201), f"{path}: {answer.text}"
    with live.app.client(cast.admin) as admin:
        for path, body in [
            ("/api/v1/subscribers", {"service": "borger-dk", "email": "drift@aarhus.example"}),
            ("/api/v1/webhooks", {"service": "borger-dk", "url": "https://aarhus.example/hook"}),
        ]:
            answer = admin.post(path, json=body)
            assert answer.status_code == 201, f"{path}: {answer.text}"
        # An interface change announced with shorter notice: the pages show the duty to help.
        soon = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=30)
        release = {
            "service": "borger-dk",
            "version": "2.0",
            "planned_date": soon.isoformat(),
            "notes": "Ny log-in-grænseflade.",
            "interface_change": True,
            "announce": True,
            "shorter_notice_reason": "urgent",
        }
        answer = admin.post("/api/v1/releases", json=release)
        assert answer.status_code == 201, answer.text
        # An operations meeting of this year, whose page and pack the crawl reaches (R17.1).
        meeting = {"forum": "operations_meeting", "starts_at": _hour_this_year()}
        answer = admin.post("/api/v1/services/borger-dk/meetings", json=meeting)
        assert answer.status_code == 201, answer.text


def _hour_this_year() -> str:
    """An hour ago, or the year's first hour just after New Year: in this year's list."""
    zone = ZoneInfo("Europe/Copenhagen")
    now = dt.datetime.now(zone).replace(microsecond=0)
    new_year = now.replace(month=1, day=1, hour=0, minute=0, second=0)
    return max(now - dt.timedelta(hours=1), new_year).isoformat()


def _window_this_year() -> dict[str, object]:
    """A window in this year's calendar that breaks rules (its notice lies in the past), so
    that the pages show a verdict with its rules, not only a compliant window."""
    year = dt.datetime.now(ZoneInfo("Europe/Copenhagen")).year
    return {
        "service": "borger-dk",
        "kind": "short",
        "start": f"{year}-01-15T01:00:00+01:00",
        "end": f"{year}-01-15T03:00:00+01:00",
        "title": "Opdatering af databasen",
        "body": "Borger.dk kan være utilgængelig i kort tid.",
        "affected": ["Selvbetjening"],
        "override_reason": "Kritisk sikkerhedsrettelse",
        "announce": True,  # so that an authority sees it too
    }


def kind_of(path: str) -> str:
    """/desk/incidents/BDK-2026-000001 and /desk/incidents/BDK-2026-000002 are one kind."""
    return RECORD.sub("{}", path)


def links(page: Page) -> Iterator[str]:
    """The paths of the signed-in pages the page links to, without query or fragment."""
    # A link with `download` is a file (a report, a pack as PDF), not a page to check.
    hrefs: list[str] = page.eval_on_selector_all(
        "a[href]:not([download])", "all => all.map(a => a.href)"
    )
    here = urlsplit(page.url).netloc
    for href in hrefs:
        parts = urlsplit(href)
        if parts.netloc != here or parts.path in NOT_PAGES:
            continue
        if parts.path.startswith(SIGNED_IN_AREAS):
            yield parts.path


def checked_pages(page: Page, member: Member, lang: str) -> list[str]:
    """Visit and check every page reachable from the member's menu; the paths visited."""
    role = member.user.role
    waiting = [landing_for(role), *(item.path for item in menu_for(role)), "/account/password"]
    visited: list[str] = []
    kinds: set[str] = set()
    while waiting:
        path = waiting.pop(0)
        if kind_of(path) in kinds:
            continue
        kinds.add(kind_of(path))
        visited.append(path)
        assert len(visited) <= AT_MOST, f"more than {AT_MOST} kinds of page: {visited}"
        answer = page.goto(f"{path}?lang={lang}")
        assert answer is not None
        assert answer.status == 200, f"{role} {path}: {answer.status}"
        assert_accessible(page)
        # axe does not see a page wider than the window: a menu that does not wrap, say.
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), path
        waiting.extend(links(page))
    return visited


# Every role in Danish; the admin, who reaches every template, in English too: the others'
# pages are the same with fewer forms. Two cases, so that two browsers share the longest.
# Every role in Danish, but the operator, whose pages the admin's crawl holds already, in
# English: each page of the desk is checked in both languages, the crawl only once.
CRAWLS = [(role, "en" if role == "operator" else "da") for role in ROLES]


@pytest.mark.usefixtures("content")
@pytest.mark.parametrize(("role", "lang"), CRAWLS)
def test_every_page_the_role_reaches_is_accessible(
    page: Page, live: Live, role: str, lang: str
) -> None:
    member: Member = getattr(live.cast, role)
    sign_in(page, member, next="/account/password")
    visited = checked_pages(page, member, lang)
    # The crawl reached the records, not only the lists: each role sees its kinds of detail.
    details = {kind_of(path) for path in visited if "{}" in kind_of(path)}
    assert EXPECTED_DETAILS[role] <= details, f"{role} reached only {sorted(details)}"


EXPECTED_DETAILS = {
    "admin": {
        "/desk/incidents/{}",
        "/desk/majors/{}",
        "/desk/problems/{}",
        "/desk/requests/{}",
        "/desk/messages/{}",
        "/desk/releases/{}",
        "/desk/changes/{}",
        "/desk/windows/{}",
        "/desk/meetings/{}",
    },
    "operator": {
        "/desk/incidents/{}",
        "/desk/majors/{}",
        "/desk/problems/{}",
        "/desk/requests/{}",
        "/desk/messages/{}",
        "/desk/releases/{}",
        "/desk/changes/{}",
        "/desk/windows/{}",
        "/desk/meetings/{}",
    },
    "supplier": {
        "/desk/incidents/{}",
        "/desk/problems/{}",
        "/desk/releases/{}",
        "/desk/changes/{}",
        "/desk/windows/{}",
    },
    "authority": {
        "/desk/incidents/{}",
        "/desk/requests/{}",
        "/desk/releases/{}",
        "/desk/windows/{}",
        "/desk/meetings/{}",
    },
}
