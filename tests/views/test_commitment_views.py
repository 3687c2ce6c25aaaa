"""The commitment on the challenge pages: the form's fieldset, refusals that keep the input, the
public mark and the details, the manager's filter 「約束が未記入」."""
from __future__ import annotations

from datetime import date

import pytest

from govtech.services import budget_calendar
from tests import factories
from tests.html import field_errors, field_value, get_page, post_page, selected, text, texts

TODAY = date(2026, 12, 2)
FORM = {"title": "窓口の待ち時間を減らしたい", "summary": "要約", "categories": ["disaster"],
        "budget_max": "500", "budget_owner": "市民課", "procurement_route": "proposal",
        "success_criteria": "待ち時間を30%短縮", "success_kpis": "待ち時間\n満足度\n",
        "adoption_fiscal_year": "2027"}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(budget_calendar, "today", lambda: TODAY)


def test_the_form_has_the_commitment_fieldset(client, login_as):
    login_as("municipality")
    page = get_page(client, "/challenges/new")
    fieldset = page.select_one("fieldset#commitment")
    assert text(fieldset.legend) == "導入への約束"
    names = {c.get("name") for c in fieldset.select("input, textarea, select")}
    assert {"budget_owner", "procurement_route", "success_criteria", "success_kpis",
            "adoption_fiscal_year"} <= names
    assert selected(page, "procurement_route") == ["undecided"]


def test_posting_with_a_commitment_shows_the_mark_and_the_details(client, login_as):
    login_as("municipality")
    page = post_page(client, "/challenges/new", FORM, follow_redirects=True)
    assert "導入の約束あり" in texts(page, ".page-head .badge")
    panel = text(page.select_one("#commitment"))
    for shown in ("市民課", "公募型プロポーザル", "2027年度", "待ち時間を30%短縮", "満足度"):
        assert shown in panel
    edit = get_page(client, page.select_one("a[href$='/edit']")["href"])
    assert field_value(edit, "success_kpis") == "待ち時間\n満足度"
    assert selected(edit, "procurement_route") == ["proposal"]


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"adoption_fiscal_year": "2025"}, "adoption_fiscal_year", "過去"),
    ({"adoption_fiscal_year": "2032"}, "adoption_fiscal_year", "5年"),
    ({"adoption_fiscal_year": "来年"}, "adoption_fiscal_year", ""),
    ({"procurement_route": "small_amount"}, "procurement_route", "100万円"),
    ({"procurement_route": "certified"}, "procurement_route", "認定"),
    ({"procurement_route": "bribery"}, "procurement_route", ""),
    ({"budget_owner": "課" * 201}, "budget_owner", ""),
])
def test_refusals_keep_everything_typed(client, login_as, change, field, message):
    login_as("municipality")
    page = post_page(client, "/challenges/new", FORM | change, status=400)
    errors = field_errors(page, field)
    assert errors and message in errors[0]
    assert field_value(page, "title") == FORM["title"]
    assert field_value(page, "success_criteria") == FORM["success_criteria"]
    assert field_value(page, "success_kpis").split() == ["待ち時間", "満足度"]


def test_english_refusal_names_the_limit_in_yen(client, login_as):
    login_as("municipality")
    page = post_page(client, "/challenges/new?lang=en",
                     FORM | {"procurement_route": "small_amount"}, status=400)
    assert "¥1,000,000" in field_errors(page, "procurement_route")[0]


def test_public_list_marks_committed_towns_only(client, app, login_as):
    owner = login_as("municipality")
    posted = client.post("/challenges/new", data=FORM)
    client.post(posted.headers["Location"] + "/state", data={"state": "open"})
    factories.challenge(app, owner, title="印のない課題")
    client.post("/logout")
    page = get_page(client, "/challenges/")
    cards = {text(c.select_one(".item-title")): c for c in page.select(".item-card")}
    assert "導入の約束あり" in text(cards[FORM["title"]])
    assert not cards["印のない課題"].select(".badge--commitment, .badge--commitment-missing")
    assert not page.select("select[name=commitment]")  # the public sees no such filter
    detail = get_page(client, cards[FORM["title"]].select_one("a")["href"])
    assert "市民課" in text(detail.select_one("#commitment"))


def test_manager_filters_challenges_without_a_commitment(client, app, login_as):
    town = factories.user(app, "municipality")
    factories.challenge(app, town, title="約束なし")
    with_commitment = factories.challenge(app, town, title="約束あり", budget_owner="市民課",
                                          procurement_route="proposal",
                                          success_criteria="基準", adoption_fiscal_year=2027)
    login_as("manager")
    page = get_page(client, "/challenges/?commitment=missing")
    titles = texts(page, ".item-title")
    assert titles == ["約束なし"]
    assert "約束が未記入" in text(page.select_one(".item-card"))
    page = get_page(client, "/challenges/?commitment=made")
    assert texts(page, ".item-title") == ["約束あり"]
    assert page.select_one(f"a[href='/challenges/{with_commitment}']") is not None


def test_edit_by_another_town_is_refused(client, app, login_as):
    town = factories.user(app, "municipality")
    cid = factories.challenge(app, town)
    login_as("municipality")
    post_page(client, f"/challenges/{cid}/edit", FORM, status=403)
