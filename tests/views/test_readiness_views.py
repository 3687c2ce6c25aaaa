"""Procurement readiness pages (issue 17 part 6): the startup's form, the badges towns see,
the challenge page's route panel, and the lists' minimum-level filter."""
from __future__ import annotations

from datetime import timedelta

from govtech.extensions import db
from govtech.formatting import local_today
from govtech.models import Challenge, Organisation
from govtech.models.enums import ProcurementRoute
from govtech.models.procurement import BidRegistration, ProcurementProfile
from tests import factories
from tests.html import (
    field_errors,
    field_value,
    flash_messages,
    form_errors,
    get_page,
    post_page,
    text,
    texts,
)

LATER = (local_today() + timedelta(days=90)).isoformat()


def _url(org_id: int) -> str:
    return f"/startups/{org_id}/procurement"


def _profile(**values) -> dict:
    return {"action": "profile", "unified_grade": "", "unified_valid_until": "",
            "ismap": "", "marketplace_listings": "", "version": ""} | values


def _level(app, org_id: int) -> int | None:
    with app.app_context():
        profile = db.session.get(ProcurementProfile, org_id)
        return profile.level if profile else None


def _town_name(app, org_id: int) -> str:
    with app.app_context():
        return db.session.get(Organisation, org_id).name


def test_the_startup_records_its_profile_and_towns_see_the_badge(app, client, login_as):
    firm = login_as("startup")
    page = get_page(client, _url(firm.org_id))
    assert page.select_one("datalist#town-names") is not None
    page = post_page(client, _url(firm.org_id), _profile(
        unified_grade="B", unified_valid_until=LATER, gbizid_prime="y", ismap="ismap_liu",
        marketplace_listings="DMP\nhttps://example.jp/listing"), status=302)
    assert _level(app, firm.org_id) == 3
    page = get_page(client, f"/startups/{firm.org_id}")
    assert "readiness-badge--3" in str(page.select_one(".readiness-fact"))
    page = get_page(client, _url(firm.org_id))
    assert field_value(page, "unified_grade") == "B"
    assert field_value(page, "marketplace_listings").splitlines() == [
        "DMP", "https://example.jp/listing"]
    client.post("/logout")
    login_as("municipality")
    page = get_page(client, f"/startups/{firm.org_id}")
    assert page.select_one(".readiness-badge--3") is not None
    client.post("/logout")
    login_as("startup")  # another startup does not see it
    page = get_page(client, f"/startups/{firm.org_id}")
    assert page.select_one(".readiness-badge") is None


def test_bad_profile_input_is_refused_and_kept(app, client, login_as):
    firm = login_as("startup")
    page = post_page(client, _url(firm.org_id), _profile(
        unified_grade="E", unified_valid_until=LATER, marketplace_listings="mine\nDMP"),
        status=400)
    assert field_errors(page, "unified_grade") == [
        "全省庁統一資格の等級はA、B、C、Dのいずれかです。"]
    assert form_errors(page)
    assert field_value(page, "marketplace_listings").splitlines() == ["mine", "DMP"]
    assert field_value(page, "unified_valid_until") == LATER
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    page = post_page(client, _url(firm.org_id), _profile(
        unified_grade="A", unified_valid_until=yesterday), status=400)
    assert field_errors(page, "unified_valid_until")
    page = post_page(client, _url(firm.org_id), _profile(
        marketplace_listings="x" * 301), status=400)
    assert field_errors(page, "marketplace_listings")
    assert _level(app, firm.org_id) is None


def test_bid_registrations_added_refused_and_removed(app, client, login_as):
    town = factories.user(app, "municipality")
    firm = login_as("startup")
    name = _town_name(app, town.org_id)
    page = post_page(client, _url(firm.org_id), {"action": "bid", "town": "どこにもない町"},
                     status=400)
    assert field_errors(page, "town") == ["この名前の自治体はありません。"]
    assert field_value(page, "town") == "どこにもない町"
    post_page(client, _url(firm.org_id), {"action": "bid", "town": name,
                                           "valid_until": LATER}, status=302)
    assert _level(app, firm.org_id) == 2
    page = post_page(client, _url(firm.org_id), {"action": "bid", "town": name}, status=400)
    assert "すでに" in " ".join(field_errors(page, "town"))
    page = get_page(client, _url(firm.org_id))
    assert name in " ".join(texts(page, ".bid-list strong"))
    with app.app_context():
        bid_id = db.session.query(BidRegistration.id).scalar()
    # removing asks for the box first
    page = post_page(client, f"/startups/{firm.org_id}/bids/remove", {"bid_id": bid_id},
                     status=200, follow_redirects=True)
    assert flash_messages(page) and _level(app, firm.org_id) == 2
    page = post_page(client, f"/startups/{firm.org_id}/bids/remove",
                     {"bid_id": bid_id, "confirm": "yes"}, follow_redirects=True)
    assert _level(app, firm.org_id) == 0
    assert page.select_one(".bid-list") is None


def test_others_may_not_edit(app, client, login_as):
    firm = factories.user(app, "startup")
    assert client.get(_url(firm.org_id)).status_code == 302  # to the login page
    login_as("startup")
    assert client.get(_url(firm.org_id)).status_code == 403
    assert client.post(_url(firm.org_id), data=_profile(gbizid_prime="y")).status_code == 403
    assert client.post(f"/startups/{firm.org_id}/bids/remove",
                       data={"bid_id": 1, "confirm": "yes"}).status_code == 403
    client.post("/logout")
    login_as("municipality")
    assert client.get(_url(firm.org_id)).status_code == 403
    client.post("/logout")
    login_as("manager")
    post_page(client, _url(firm.org_id), _profile(gbizid_prime="y"), status=302)
    assert _level(app, firm.org_id) == 1


def _route(app, challenge_id: int, route: ProcurementRoute) -> None:
    with app.app_context():
        db.session.get(Challenge, challenge_id).procurement_route = route
        db.session.commit()


def test_the_challenge_page_tells_a_startup_what_its_route_needs(app, client, login_as):
    town = factories.user(app, "municipality")
    challenge_id = factories.challenge(app, town, state="open")
    _route(app, challenge_id, ProcurementRoute.proposal)
    firm = login_as("startup")
    page = get_page(client, f"/challenges/{challenge_id}")
    panel = page.select_one("#readiness")
    assert panel is not None
    assert len(panel.select(".readiness-item--missing")) == 2
    assert panel.select_one(f"a[href='{_url(firm.org_id)}']") is not None
    post_page(client, _url(firm.org_id), {"action": "bid", "town": _town_name(
        app, town.org_id)}, status=302)
    panel = get_page(client, f"/challenges/{challenge_id}").select_one("#readiness")
    assert len(panel.select(".readiness-item--met")) == 1
    client.post("/logout")
    factories.login(client, town)
    assert get_page(client, f"/challenges/{challenge_id}").select_one("#readiness") is None


def _two_proposals(app):
    town = factories.user(app, "municipality")
    challenge_id = factories.challenge(app, town, state="open")
    ready, not_ready = factories.user(app, "startup"), factories.user(app, "startup")
    for firm in (ready, not_ready):
        factories.proposal(app, firm, challenge_id)
        factories.recommendation(app, challenge_id, firm.org_id, score=0.9)
    factories.login(client_for := app.test_client(), ready)
    post_page(client_for, _url(ready.org_id), {"action": "bid", "town": _town_name(
        app, town.org_id)}, status=302)
    return town, challenge_id, ready, not_ready


def _names(app, *records) -> list[str]:
    with app.app_context():
        return [db.session.get(Organisation, r.org_id).name for r in records]


def test_towns_filter_proposals_by_minimum_level(app, client):
    town, challenge_id, ready, not_ready = _two_proposals(app)
    ready_name, other_name = _names(app, ready, not_ready)
    factories.login(client, town)
    page = get_page(client, "/proposals/")
    assert len(page.select("tbody tr")) == 2
    assert page.select_one(".readiness-badge--2") and page.select_one(".readiness-badge--0")
    page = get_page(client, "/proposals/?readiness=2")
    assert len(page.select("tbody tr")) == 1
    assert ready_name in text(page.select_one("tbody"))
    assert other_name not in text(page.select_one("tbody"))
    page = get_page(client, f"/challenges/{challenge_id}/proposals?readiness=2")
    assert texts(page, ".compare-card .item-title") == [ready_name]
    page = get_page(client, f"/challenges/{challenge_id}/proposals?readiness=3")
    assert page.select(".compare-card") == []
    # nonsense is ignored, not an error
    assert len(get_page(client, "/proposals/?readiness=9").select("tbody tr")) == 2


def test_a_startup_cannot_filter_or_see_levels_in_its_list(app, client):
    _town, _challenge_id, ready, _other = _two_proposals(app)
    factories.login(client, ready)
    page = get_page(client, "/proposals/?readiness=3")
    assert len(page.select("tbody tr")) == 1
    assert page.select_one("select[name=readiness]") is None
    assert page.select_one(".readiness-badge") is None


def test_towns_filter_recommendations_by_minimum_level(app, client):
    town, challenge_id, ready, not_ready = _two_proposals(app)
    ready_name, other_name = _names(app, ready, not_ready)
    with app.app_context():  # the pairs are proposing already: let the list show them again
        from govtech.models import Proposal
        db.session.query(Proposal).delete()
        db.session.commit()
    factories.login(client, town)
    page = get_page(client, "/recommendations/")
    cards = page.select(".rec-card")
    assert len(cards) == 2 and page.select_one("select[name=readiness]") is not None
    assert {c.select_one(".readiness-badge")["class"][-1] for c in cards} == {
        "readiness-badge--2", "readiness-badge--0"}
    page = get_page(client, "/recommendations/?readiness=2")
    assert texts(page, ".rec-card .item-title") == [ready_name]
    assert other_name not in text(page)
