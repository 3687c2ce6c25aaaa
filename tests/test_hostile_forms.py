"""Every form the app has, filled with HTML in every text field: nothing comes back as markup.

The test does not list the forms: it signs in as each role, walks the site by its links from
the pages of a small programme (a challenge, a capability, a proposal, a pilot with a KPI and a
milestone, a marketing activity), fills each POST form it finds with a payload, sends it, and
parses the answer. It then walks the site again, so text stored by one form and shown on
another page is checked too. A new page or form is covered without anyone remembering to.
"""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest

from tests import factories
from tests.html import BeautifulSoup, parse

PAYLOAD = '"><script id="xss">alert(1)</script><img src=x onerror="alert(2)"><b id="bold">b</b>'
START = ["/", "/home", "/challenges/", "/startups/", "/recommendations/", "/proposals/",
         "/pilots/", "/marketing/", "/marketing/calendar", "/cases/", "/dashboard/",
         "/notifications/", "/notifications/settings", "/account", "/account/invite",
         "/admin/organisations", "/challenges/new"]
SKIP_PATHS = ("/logout", "/static/", "/export/", "/attachment", "/language")
MAX_PAGES = 120


def _live(page: BeautifulSoup) -> list[str]:
    """Elements or attributes the payload would create if printed raw."""
    found = [str(tag)[:80] for tag in page.select("script#xss, b#bold, img[onerror]")]
    found += [a["href"] for a in page.select("a[href]") if a["href"].lower().startswith(
        ("javascript:", "data:"))]
    return found


def _programme(app):
    """One of everything, so the pages with ids exist; returns the people by role."""
    town = factories.user(app, "municipality")
    startup = factories.user(app, "startup")
    manager = factories.user(app, "manager")
    challenge = factories.challenge(app, town)
    factories.capability(app, startup)
    factories.proposal(app, startup, challenge)
    other = factories.challenge(app, town, title="観光データの活用")
    pilot = factories.pilot(app, manager, other, startup.org_id, stage="pilot")
    factories.kpi(app, town, pilot)
    factories.milestone(app, town, pilot)
    factories.marketing(app, pilot, town, startup, manager)
    factories.recommendation(app, challenge, startup.org_id)
    factories.notification(app, town)
    return {"municipality": town, "startup": startup, "manager": manager}


def _walk(client) -> dict[str, BeautifulSoup]:
    """The pages reachable from START by same-site links (GET only), parsed."""
    seen: dict[str, BeautifulSoup] = {}
    queue = list(START)
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.content_type:
            seen[url] = BeautifulSoup("", "html.parser")
            continue
        page = parse(response)
        seen[url] = page
        for link in page.select("a[href]"):
            target = urljoin(url, link["href"]).split("#")[0]
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith("/") or "lang=" in parts.query:
                continue
            if any(skip in parts.path for skip in SKIP_PATHS) or target in seen:
                continue
            queue.append(target)
    return seen


def _fill(form) -> dict[str, str]:
    """The form as a person would send it, with the payload in every field one can type in."""
    data: dict[str, str] = {}
    for field in form.select("input[name], textarea[name], select[name]"):
        name, kind = field["name"], field.get("type", "text").lower()
        if field.name == "select":
            option = field.select_one("option[value]:not([value=''])") or field.select_one(
                "option")
            data[name] = option.get("value", "") if option else ""
        elif field.name == "textarea" or kind in ("text", "search", "email", "url", "tel",
                                                    "number", "password"):
            data[name] = PAYLOAD
        elif kind in ("checkbox", "radio"):
            data.setdefault(name, field.get("value", "on"))
        elif kind == "hidden":
            data[name] = field.get("value", "")
        elif kind == "date":
            data[name] = ""
    if (button := form.select_one("button[name][value]")) is not None:
        data.setdefault(button["name"], button["value"])
    return data


@pytest.mark.parametrize("role", ["manager", "municipality", "startup"])
def test_no_form_echoes_html(app, client, role):
    people = _programme(app)
    factories.login(client, people[role])
    pages = _walk(client)
    forms: dict[tuple, tuple[str, dict]] = {}
    for url, page in pages.items():
        for form in page.select("form"):
            if form.get("method", "get").lower() != "post":
                continue
            action = urljoin(url, form.get("action") or url)
            if any(skip in action for skip in (*SKIP_PATHS, "delete")):
                continue
            data = _fill(form)
            forms.setdefault((urlsplit(action).path, tuple(sorted(data))), (action, data))
    assert len(forms) >= (5 if role != "manager" else 8), sorted(forms)
    problems = []
    for action, data in forms.values():
        response = client.post(action, data=data, follow_redirects=True)
        assert response.status_code < 500, f"POST {action}: {response.status_code}"
        if "html" in response.content_type:
            problems += [f"POST {action}: {found}" for found in _live(parse(response))]
    for url, page in _walk(client).items():
        problems += [f"GET {url}: {found}" for found in _live(page)]
    assert problems == []
