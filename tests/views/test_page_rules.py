"""Rules every page keeps, checked on every GET page for every role (issue 16 parts 3 and 7).

- One primary button per page: the primary is `.button` alone (filled blue); `button--ghost`
  (secondary), `button--small` (a row's compact action) and `button--danger` are not.
- A destructive button (`button--danger`) never sits in the open: it is folded in a `<details>`
  (「その他の操作」) or its form is a confirmation (a box to tick, or the password to type).
- A table that stacks into cards on phones names each cell's column (`data-label`).
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup, Tag

from govtech.formatting import local_today
from tests import factories
from tests.html import flash_messages, form_errors, get_page, parse, post_page, targets, text
from tests.routes import ROLES, edit_once, sample_args, urls

NOT_PRIMARY = {"button--ghost", "button--small", "button--danger"}

# Pages of other engineers that do not keep a rule yet: (endpoint, rule) → why. The lead empties it.
ALLOWED: dict[tuple[str, str], str] = {}


def _sample(app) -> tuple[dict, dict]:
    """The route × role table's records (tests/test_routes_roles.py), owned by the signed-in
    user's organisation where it has one."""
    users = {"manager": factories.user(app, "manager"),
             "municipality": factories.user(app, "municipality"),
             "startup": factories.user(app, "startup"),
             "pending": factories.user(app, "municipality", state="pending")}
    challenge_id = factories.challenge(app, users["municipality"], state="open")
    capability_id = factories.capability(app, users["startup"])
    rec_id = factories.recommendation(app, challenge_id, users["startup"].org_id)
    pilot_id = factories.pilot(app, users["municipality"], challenge_id, users["startup"].org_id)
    proposal_id = factories.proposal(app, users["startup"], challenge_id, pdf=True)
    edit_once(app, users["startup"], proposal_id)
    ids = {"proposal_id": proposal_id, "pilot_id": pilot_id,
           "kpi_id": factories.kpi(app, users["manager"], pilot_id),
           "milestone_id": factories.milestone(app, users["manager"], pilot_id),
           "org_id": users["startup"].org_id, "challenge_id": challenge_id,
           "capability_id": capability_id, "rec_id": rec_id}
    parties = (pilot_id, users["municipality"], users["startup"], users["manager"])
    ids |= {"activity_id": factories.marketing(app, *parties),
            "case_id": factories.marketing(app, *parties, state="published")}
    return users, ids


def _classes(tag: Tag) -> set[str]:
    return set(tag.get("class") or [])


def primary_buttons(page: BeautifulSoup) -> list[Tag]:
    """The page's primary buttons: `.button` without a modifier that makes it secondary (the
    session time-out <dialog> of base.html is a layer of its own)."""
    return [tag for tag in page.select(".button") if not _classes(tag) & NOT_PRIMARY
            and tag.find_parent("dialog") is None]


def exposed_danger(page: BeautifulSoup) -> list[Tag]:
    """Destructive buttons neither folded in a <details> nor in a confirming form."""
    exposed = []
    for tag in page.select(".button--danger"):
        if tag.find_parent("details") is not None:
            continue
        form = tag.find_parent("form")
        if form is not None and form.select_one(
                "input[name=confirm][required], input[type=password]"):
            continue
        exposed.append(tag)
    return exposed


def unlabelled_cells(page: BeautifulSoup) -> list[Tag]:
    """Cells of tables that stack on phones without the name of their column."""
    return [cell for table in page.select("table.table:not(.table--grid)")
            for cell in table.select("tbody td") if not cell.has_attr("data-label")]


def check(endpoint: str, url: str, html: str) -> list[str]:
    page = BeautifulSoup(html, "html.parser")
    failures = []
    primary = primary_buttons(page)
    if len(primary) > 1 and (endpoint, "primary") not in ALLOWED:
        failures.append(f"{url}: {len(primary)} primary buttons: "
                        + ", ".join(b.get_text(" ", strip=True) for b in primary))
    danger = exposed_danger(page)
    if danger and (endpoint, "danger") not in ALLOWED:
        failures.append(f"{url}: destructive buttons in the open: "
                        + ", ".join(b.get_text(" ", strip=True) for b in danger))
    if unlabelled_cells(page) and (endpoint, "labels") not in ALLOWED:
        failures.append(f"{url}: a stacked table's cell has no data-label")
    return failures


@pytest.mark.parametrize("role", ROLES)
def test_every_page_has_one_primary_button_and_no_destructive_button_in_the_open(app, role):
    """Walks every GET page as each role: at most one primary button, destructive buttons folded
    away or confirmed, stacked tables labelled."""
    users, ids = _sample(app)
    note_id = factories.notification(app, users.get(role, users["manager"]))
    args = sample_args(app, {**ids, "note_id": note_id})
    client = app.test_client()
    if role != "anonymous":
        factories.login(client, users[role])
    failures, seen = [], 0
    for endpoint, method, url in urls(app, args):
        if method != "GET":
            continue
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        seen += 1
        failures += check(endpoint, url, response.get_data(as_text=True))
    assert seen > (3 if role in ("anonymous", "pending") else 15)
    assert not failures, "\n".join(failures)


def test_the_rules_catch_what_they_are_about():
    """The checks themselves: two filled buttons, an exposed danger button, an unlabelled cell."""
    page = ('<a class="button">A</a><button class="button">B</button>'
            '<button class="button button--small">C</button>'
            '<form><button class="button button--danger">D</button></form>'
            '<details><button class="button button--danger">E</button></details>'
            '<form><input type="checkbox" name="confirm" required>'
            '<button class="button button--danger">F</button></form>'
            '<table class="table"><tbody><tr><td>x</td></tr></tbody></table>'
            '<table class="table table--grid"><tbody><tr><td>y</td></tr></tbody></table>')
    soup = BeautifulSoup(page, "html.parser")
    assert [b.get_text() for b in primary_buttons(soup)] == ["A", "B"]
    assert [b.get_text() for b in exposed_danger(soup)] == ["D"]
    assert [c.get_text() for c in unlabelled_cells(soup)] == ["x"]


# The pieces behind the rules, on the pages that use them.

def test_list_filters_fold_behind_a_summary_that_counts_the_ones_in_use(client, app):
    """The search box stays outside the fold; the summary counts non-empty filters, not the
    search words or the sort order."""
    factories.challenge(app, factories.user(app, "municipality"))
    page = get_page(client, "/challenges/")
    bar = page.select_one("form.filters")
    assert bar.select_one(".filters-search input[type=search][name=q]") is not None
    assert text(bar.select_one("details.filters-more > summary")) == "絞り込み"
    assert bar.select_one("details.filters-more select[name=category]") is not None
    page = get_page(client, "/challenges/?q=防災&category=disaster&prefecture=13&sort=deadline"
                            "&deadline=")
    assert text(page.select_one("details.filters-more > summary")) == "絞り込み（2件適用中）"
    page = get_page(client, "/challenges/?category=disaster&lang=en")
    assert text(page.select_one("details.filters-more > summary")) == "Filters (1 applied)"


@pytest.mark.parametrize("url", ["/challenges/", "/cases/"])
def test_public_lists_use_the_filter_bar(client, url):
    page = get_page(client, url)
    assert page.select_one("form.filters--fold .filters-search input[type=search]") is not None


def test_deadline_budget_and_the_main_action_sit_under_the_title(client, app):
    town = factories.user(app, "municipality")
    cid = factories.challenge(app, town, deadline=local_today() + timedelta(days=21),
                              budget_min=300, budget_max=1200)
    factories.login(client, factories.user(app, "startup"))
    page = get_page(client, f"/challenges/{cid}")
    facts = page.select_one("h1").find_next(class_="key-facts")
    assert "あと21日" in text(facts) and "300万円" in text(facts) and "1,200万円" in text(facts)
    assert [a["href"] for a in facts.select("a.button")] == [f"/challenges/{cid}/apply"]
    client.post("/logout")
    factories.login(client, town)
    facts = get_page(client, f"/challenges/{cid}").select_one(".key-facts")
    assert f"/challenges/{cid}/edit" in targets(facts)


def test_archiving_needs_the_box_naming_the_challenge(client, app):
    """Close and archive are folded under 「その他の操作」; without the ticked box nothing
    changes and the page says why."""
    town = factories.user(app, "municipality")
    cid = factories.challenge(app, town, title="窓口DX", state="closed")
    factories.login(client, town)
    page = get_page(client, f"/challenges/{cid}")
    more = page.select_one("details.more-actions")
    assert text(more.select_one("summary")) == "その他の操作"
    assert "『窓口DX』をアーカイブします。よろしいですか？" in text(more)
    assert more.select_one("input[name=confirm][required]") is not None
    page = parse(client.post(f"/challenges/{cid}/state", data={"state": "archived"},
                             follow_redirects=True))
    assert any("チェック" in message for message in flash_messages(page))
    assert text(page.select_one(".page-head .badge")) != "アーカイブ済み"
    before = text(page.select_one(".page-head .badge"))
    page = parse(client.post(f"/challenges/{cid}/state", data={"state": "archived",
                                                                "confirm": "yes"},
                             follow_redirects=True))
    assert text(page.select_one(".page-head .badge")) != before


def test_suspending_an_organisation_needs_the_box_naming_it(client, app):
    startup = factories.user(app, "startup")
    factories.login(client, factories.user(app, "manager"))
    page = get_page(client, "/admin/organisations?kind=startup")
    form = page.select_one("details.more-actions form.confirm-form")
    version = form.select_one("input[name=version]")["value"]
    name = text(page.select_one(f"a[href='/admin/organisations/{startup.org_id}/members']"))
    assert f"『{name}』を停止します" in text(form)
    client.post(f"/admin/organisations/{startup.org_id}/state",
                data={"state": "suspended", "version": version})
    page = get_page(client, "/admin/organisations?state=suspended")
    assert name not in text(page.main)
    client.post(f"/admin/organisations/{startup.org_id}/state",
                data={"state": "suspended", "version": version, "confirm": "yes"})
    assert name in text(get_page(client, "/admin/organisations?state=suspended").main)


def test_withdrawing_a_proposal_needs_the_box_naming_the_challenge(client, app):
    town = factories.user(app, "municipality")
    cid = factories.challenge(app, town, title="窓口DX")
    startup = factories.user(app, "startup")
    pid = factories.proposal(app, startup, cid)
    factories.login(client, startup)
    page = get_page(client, f"/proposals/{pid}")
    assert "『窓口DX』への提案を取り下げます。よろしいですか？" in text(
        page.select_one("details.more-actions"))
    version = page.select_one("details.more-actions input[name=version]")["value"]
    client.post(f"/proposals/{pid}/state", data={"state": "withdrawn", "version": version})
    assert get_page(client, f"/proposals/{pid}").select_one("details.more-actions") is not None
    client.post(f"/proposals/{pid}/state", data={"state": "withdrawn", "version": version,
                                                 "confirm": "yes"})
    assert get_page(client, f"/proposals/{pid}").select_one("details.more-actions") is None


def test_cancelling_marketing_without_the_box_keeps_the_note(client, app):
    users = {"municipality": factories.user(app, "municipality"),
             "startup": factories.user(app, "startup"),
             "manager": factories.user(app, "manager")}
    cid = factories.challenge(app, users["municipality"], title="河川水位の見える化")
    pilot = factories.pilot(app, users["manager"], cid, users["startup"].org_id, stage="adopted")
    aid = factories.marketing(app, pilot, users["municipality"], users["startup"],
                              users["manager"], title="共同プレスリリース")
    factories.login(client, users["municipality"])
    page = get_page(client, f"/marketing/{aid}")
    form = page.select_one("details.more-actions form")
    assert "『共同プレスリリース』を中止します。よろしいですか？" in text(form)
    data = {"target": "cancelled", "note": "予算の都合で見送り",
            "version": form.select_one("input[name=version]")["value"]}
    page = post_page(client, f"/marketing/{aid}/move", data, status=400)
    assert any("チェック" in error for error in form_errors(page))
    note = page.select_one("details.more-actions[open] textarea")
    assert note.get_text().strip() == "予算の都合で見送り"
    response = client.post(f"/marketing/{aid}/move", data=data | {"confirm": "yes"})
    assert response.status_code == 302
