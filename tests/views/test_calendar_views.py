"""The budget calendar page (who may open and change it, refusals that keep the input), the
pair page's budget dates with their warning, and the warning in 対応が必要なこと."""
from __future__ import annotations

from datetime import date

import pytest

from govtech.services import budget_calendar
from tests import factories
from tests.html import (
    alerts,
    field_errors,
    field_value,
    flash_messages,
    get_page,
    post_page,
    text,
    texts,
)

TODAY = date(2026, 12, 2)
FORM = {"request_month": "10", "request_day": "15", "council_start_month": "2",
        "council_start_day": "25", "council_end_month": "3", "council_end_day": "18",
        "other_sessions": ["6", "9", "12"], "limit_other": "800000", "limit_purchase": "",
        "certifies_new_business": "y"}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(budget_calendar, "today", lambda: TODAY)


def test_own_calendar_shows_the_defaults(client, login_as):
    login_as("municipality")
    page = get_page(client, "/calendar/")
    assert text(page.h1) == "予算カレンダー"
    assert field_value(page, "request_month") == "10" and field_value(page, "request_day") == "31"
    facts = text(page.select_one(".key-facts"))
    assert "2027年10月31日" in facts and "あと333日" in facts
    assert "2028年度予算の議会" in facts
    limits = texts(page, ".limits-table tbody tr")
    assert len(limits) == 6 and "前各号以外（委託等）" in limits[-1] and "100万円" in limits[-1]


def test_saving_the_calendar(client, login_as):
    user = login_as("municipality")
    page = post_page(client, f"/calendar/{user.org_id}", FORM, follow_redirects=True)
    assert "予算カレンダーを保存しました。" in flash_messages(page)
    assert field_value(page, "request_day") == "15"
    assert field_value(page, "limit_other") == "800000"
    assert field_value(page, "limit_purchase") == ""  # the national ceiling applies
    assert page.select_one("input[name=certifies_new_business]").has_attr("checked")
    assert "2027年10月15日" in text(page.select_one(".key-facts"))
    assert "予算要求締切10月15日" in text(page.select_one(".timeline"))


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"limit_other": "1200000"}, "limit_other", "100万円"),
    ({"limit_lease": "-5"}, "limit_lease", "マイナス"),
    ({"request_month": "13"}, "request_month", "1から12"),
    ({"council_start_month": "2", "council_start_day": "30"}, "council_start_month", "この日"),
    ({"request_day": ""}, "request_day", ""),
    ({"limit_sale": "たくさん"}, "limit_sale", ""),
    ({"other_sessions": ["13"]}, "other_sessions", ""),
])
def test_refusals_keep_what_was_typed(client, login_as, change, field, message):
    user = login_as("municipality")
    page = post_page(client, f"/calendar/{user.org_id}", FORM | change, status=400)
    errors = field_errors(page, field)
    assert errors and message in errors[0]
    assert field_value(page, "request_day") == (change.get("request_day", "15"))
    assert field_value(page, "council_end_day") == "18"
    # nothing was stored: the defaults still apply
    assert "2027年10月31日" in text(page.select_one(".key-facts"))


def test_english_refusal_names_the_ceiling_in_yen(client, login_as):
    user = login_as("municipality")
    page = post_page(client, f"/calendar/{user.org_id}?lang=en",
                     FORM | {"limit_other": "1200000"}, status=400)
    assert "¥1,000,000" in field_errors(page, "limit_other")[0]


def test_other_towns_startups_and_the_public_are_kept_out(client, app, login_as):
    town = factories.user(app, "municipality")
    login_as("municipality")
    get_page(client, f"/calendar/{town.org_id}", status=403)
    post_page(client, f"/calendar/{town.org_id}", FORM, status=403)
    client.post("/logout")
    login_as("startup")
    get_page(client, "/calendar/", status=403)
    post_page(client, f"/calendar/{town.org_id}", FORM, status=403)
    client.post("/logout")
    assert "/login" in client.get(f"/calendar/{town.org_id}").headers["Location"]


def test_a_startup_id_is_no_town(client, app, login_as):
    firm = factories.user(app, "startup")
    login_as("manager")
    get_page(client, f"/calendar/{firm.org_id}", status=404)
    get_page(client, "/calendar/999999", status=404)


def test_managers_choose_any_town_and_edit_it(client, app, login_as):
    town = factories.user(app, "municipality")
    login_as("manager")
    page = get_page(client, "/calendar/")
    link = page.select_one(f"a[href='/calendar/{town.org_id}']")
    assert link is not None
    page = post_page(client, f"/calendar/{town.org_id}", FORM, follow_redirects=True)
    assert "予算カレンダーを保存しました。" in flash_messages(page)
    assert not get_page(client, "/calendar/?q=存在しない町").select(".town-list a")


def test_the_account_page_links_the_calendar(client, login_as):
    login_as("municipality")
    assert get_page(client, "/account").select_one("a[href='/calendar/']") is not None


# --- the pair page and the action list ------------------------------------------------------

def _late_pair(app, town, stage="pilot"):
    cid = factories.challenge(app, town, pilot_end=date(2027, 12, 1), budget_owner="市民課",
                              procurement_route="proposal", success_criteria="基準",
                              adoption_fiscal_year=2028)
    firm = factories.user(app, "startup")
    return factories.pilot(app, town, cid, firm.org_id, stage=stage), firm


def test_pair_page_warns_when_the_evaluation_misses_the_request(client, app, login_as):
    town = login_as("municipality")
    pilot_id, firm = _late_pair(app, town)
    page = get_page(client, f"/pilots/{pilot_id}")
    panel = page.select_one("#budget-dates")
    facts = text(panel)
    assert "2027年10月31日" in facts and "あと333日" in facts and "2028年度" in facts
    warning = " ".join(alerts(panel))
    assert "2027年12月1日" in warning and "2028年度" in warning
    assert panel.select_one(f"a[href$='/calendar/{town.org_id}']") is not None
    client.post("/logout")
    login_as("startup", org_id=firm.org_id)  # the startup sees the dates, not the town's page
    panel = get_page(client, f"/pilots/{pilot_id}").select_one("#budget-dates")
    assert alerts(panel) and panel.select_one("a[href*='/calendar/']") is None


def test_pair_in_time_has_no_warning_and_closed_pairs_no_panel(client, app, login_as):
    town = login_as("municipality")
    cid = factories.challenge(app, town, pilot_end=date(2027, 6, 30), adoption_fiscal_year=2028)
    firm = factories.user(app, "startup")
    pilot_id = factories.pilot(app, town, cid, firm.org_id, stage="pilot")
    panel = get_page(client, f"/pilots/{pilot_id}").select_one("#budget-dates")
    assert not alerts(panel) and "間に合います" in text(panel)
    done = factories.pilot(app, town, factories.challenge(app, town), firm.org_id,
                           stage="withdrawn")
    assert get_page(client, f"/pilots/{done}").select_one("#budget-dates") is None


def test_home_lists_the_budget_warning_for_the_town_only(client, app, login_as):
    town = login_as("municipality")
    pilot_id, firm = _late_pair(app, town)
    page = get_page(client, "/home")
    link = page.select_one(f"a[href='/pilots/{pilot_id}#budget-dates']")
    assert link is not None
    client.post("/logout")
    login_as("startup", org_id=firm.org_id)
    assert get_page(client, "/home").select_one("a[href$='#budget-dates']") is None
