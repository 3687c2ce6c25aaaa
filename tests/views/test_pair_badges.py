"""The pair badge (「実証中・1日目」「提案中」) where the other party appears outside the
recommendation cards: the challenge's page, the startup's page seen by a town, and the
challenges list seen by a startup. Others' pairs are never told."""
from __future__ import annotations

import pytest

from tests import factories
from tests.html import get_page, text, texts


@pytest.fixture
def pairs(app):
    town = factories.user(app, "municipality")
    piloting, proposing = factories.user(app, "startup"), factories.user(app, "startup")
    bystander = factories.user(app, "startup")
    office = factories.user(app, "manager")
    call = factories.challenge(app, town, title="窓口DX")
    other_call = factories.challenge(app, town, title="防災アプリ")
    pilot = factories.pilot(app, town, call, piloting.org_id, stage="pilot")
    factories.proposal(app, proposing, call)
    return {"town": town, "piloting": piloting, "proposing": proposing, "office": office,
            "bystander": bystander, "call": call, "other_call": other_call, "pilot": pilot}


def _org_name(app, org_id: int) -> str:
    from govtech.extensions import db
    from govtech.models import Organisation

    with app.app_context():
        return db.session.get_one(Organisation, org_id).name


def test_the_challenge_page_lists_its_pairs_for_the_town_and_the_office(app, client, pairs):
    p = pairs
    for who in ("town", "office"):
        factories.login(client, p[who])
        panel = get_page(client, f"/challenges/{p['call']}").find(id="pairs")
        rows = [text(li) for li in panel.select("li")]
        assert rows == [f"{_org_name(app, p['piloting'].org_id)} 実証中・1日目",
                        f"{_org_name(app, p['proposing'].org_id)} 提案中"], who
        assert panel.select_one("li a")["href"] == f"/pilots/{p['pilot']}"
        client.post("/logout")
    factories.login(client, p["town"])
    english = get_page(client, f"/challenges/{p['call']}?lang=en").find(id="pairs")
    assert "Piloting · day 1" in text(english)


def test_a_startup_sees_only_its_own_pair_by_the_title(client, pairs):
    p = pairs
    factories.login(client, p["piloting"])
    page = get_page(client, f"/challenges/{p['call']}")
    assert page.find(id="pairs") is None
    assert texts(page, ".page-head .pair-badge") == ["実証中・1日目"]
    client.post("/logout")
    factories.login(client, p["bystander"])
    assert get_page(client, f"/challenges/{p['call']}").select(".pair-badge") == []


def test_the_challenges_list_seen_by_a_startup_marks_its_pairs(client, pairs):
    p = pairs
    factories.login(client, p["proposing"])
    page = get_page(client, "/challenges/")
    badges = {text(card.select_one(".item-title")): texts(card, ".pair-badge")
              for card in page.select(".item-card")}
    assert badges["窓口DX"] == ["提案中"] and badges["防災アプリ"] == []


def test_the_startup_page_seen_by_the_town_shows_their_pair(client, pairs):
    p = pairs
    factories.login(client, p["town"])
    page = get_page(client, f"/startups/{p['piloting'].org_id}")
    assert texts(page, ".page-head .pair-badge") == ["実証中・1日目"]
    assert get_page(client, f"/startups/{p['bystander'].org_id}").select(".pair-badge") == []
    other_town = factories.user(client.application, "municipality")
    client.post("/logout")
    factories.login(client, other_town)
    assert get_page(client, f"/startups/{p['piloting'].org_id}").select(".pair-badge") == []
