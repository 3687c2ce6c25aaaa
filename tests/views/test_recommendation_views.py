"""Recommendation pages: each party sees its own pairs with the reasons, and can hide them."""
from __future__ import annotations

import re

import pytest

from tests import factories
from tests.html import anywhere, flash_messages, get_page, targets, text, texts
from tests.services.test_recommendations import DISASTER, SENSOR

pytestmark = pytest.mark.usefixtures("fresh_index")


@pytest.fixture
def pair(app):
    town = factories.user(app, "municipality", prefecture="05")
    sensor = factories.user(app, "startup")
    factories.capability(app, sensor, **SENSOR)
    cid = factories.challenge(app, town, **DISASTER)
    return town, sensor, cid


def test_challenge_page_shows_recommended_startups_with_reasons(client, pair):
    town, sensor, cid = pair
    factories.login(client, town)
    page = get_page(client, f"/challenges/{cid}")
    assert "おすすめのスタートアップ" in texts(page, "h2")
    assert any("共通するキーワード" in label for label in texts(page, ".rec-card .why-label"))
    assert f"/startups/{sensor.org_id}" in targets(page) and "水位" in texts(page, ".rec-card .tag")


def test_other_startups_do_not_see_the_recommendation_panel(client, app, pair):
    _town, _sensor, cid = pair
    factories.login(client, factories.user(app, "startup"))
    assert not anywhere(get_page(client, f"/challenges/{cid}"), "おすすめのスタートアップ")


def test_startup_home_shows_fitting_challenges(client, pair):
    """A startup's home lists challenges (not startups) under its own heading."""
    _town, sensor, cid = pair
    factories.login(client, sensor)
    page = get_page(client, "/home")
    assert "あなたに合う課題" in texts(page, "h2") and f"/challenges/{cid}" in targets(page)
    assert f"/startups/{sensor.org_id}" not in targets(page)


def test_town_home_shows_both_sides_of_its_pairs(client, pair):
    """A town's home names the startups recommended for its challenges, with the challenge."""
    town, sensor, cid = pair
    factories.login(client, town)
    page = get_page(client, "/home")
    assert "あなたの課題へのおすすめのスタートアップ" in texts(page, "h2")
    assert {f"/challenges/{cid}", f"/startups/{sensor.org_id}"} <= set(targets(page))


def test_dismiss_hides_the_pair(client, pair):
    town, sensor, cid = pair
    factories.login(client, town)
    page = get_page(client, f"/challenges/{cid}")
    rec_id = next(m.group(1) for target in targets(page)
                  if (m := re.search(r"/recommendations/(\d+)/dismiss", target)))
    response = client.post(f"/recommendations/{rec_id}/dismiss",
                           data={"next": f"/challenges/{cid}"})
    assert response.headers["Location"].endswith(f"/challenges/{cid}")
    assert f"/startups/{sensor.org_id}" not in targets(get_page(client, f"/challenges/{cid}"))


def test_someone_elses_pair_cannot_be_dismissed(client, app, pair):
    _town, _sensor, cid = pair
    factories.login(client, factories.user(app, "municipality"))
    rec_id = factories.recommendation(app, cid, pair[1].org_id)
    assert client.post(f"/recommendations/{rec_id}/dismiss").status_code == 404


def test_manager_review_queue_lists_all_pairs(client, app, pair):
    _town, sensor, cid = pair
    factories.login(client, factories.user(app, "manager"))
    page = get_page(client, "/recommendations/?lang=en")
    assert text(page.find("h1")) == "Review queue" and f"/challenges/{cid}" in targets(page)
    assert any("Shared keywords" in label for label in texts(page, ".why-label"))
    assert f"/challenges/{cid}" not in targets(get_page(client, "/recommendations/?min_score=1.5"))


def test_queue_search_finds_each_word_in_title_or_startup_name(client, app, pair):
    """Words of the search box are ANDed over the challenge title and the startup's name; a
    typed % is a character, not a wildcard."""
    _town, _sensor, cid = pair
    factories.login(client, factories.user(app, "manager"))
    found = "/recommendations/?q=河川水位+株式会社"  # one word in each column
    missed = "/recommendations/?q=河川水位+存在しない"
    assert f"/challenges/{cid}" in targets(get_page(client, found))
    assert f"/challenges/{cid}" not in targets(get_page(client, missed))
    assert f"/challenges/{cid}" not in targets(get_page(client, "/recommendations/?q=%25"))


def test_rebuild_page_starts_a_run_and_shows_progress(client, app, pair):
    factories.login(client, factories.user(app, "manager"))
    assert client.post("/recommendations/rebuild").status_code == 302
    page = get_page(client, "/recommendations/rebuild")
    assert page.find("progress") is not None


def test_cli_rebuild_follows_progress(app, pair):
    result = app.test_cli_runner().invoke(args=["matching", "rebuild", "--timeout", "60"])
    assert result.exit_code == 0, result.output
    assert "Done:" in result.output and "pairs" in result.output


def test_manager_introduces_from_the_queue(client, app, pair):
    _town, sensor, cid = pair
    rec_id = factories.recommendation(app, cid, sensor.org_id)
    factories.login(client, factories.user(app, "manager"))
    page = get_page(client, "/recommendations/")
    assert "紹介する" in texts(page, "button") and "見送る" in texts(page, "button")
    response = client.post(f"/recommendations/{rec_id}/introduce", data={"next": "/pilots/"})
    assert response.headers["Location"].endswith("/pilots/")
    board = get_page(client, "/pilots/")
    assert any("紹介" in message for message in flash_messages(board))
    assert anywhere(board, "河川水位")


def test_reject_without_reason_is_refused_with_message(client, app, pair):
    _town, sensor, cid = pair
    rec_id = factories.recommendation(app, cid, sensor.org_id)
    factories.login(client, factories.user(app, "manager"))
    client.post(f"/recommendations/{rec_id}/reject", data={"reason": ""})
    page = get_page(client, "/recommendations/")
    assert any("理由" in message for message in texts(page, "main .alert"))
    assert f"/recommendations/{rec_id}/introduce" in targets(page)


def test_parties_cannot_introduce(client, app, pair):
    town, sensor, cid = pair
    rec_id = factories.recommendation(app, cid, sensor.org_id)
    factories.login(client, town)
    assert client.post(f"/recommendations/{rec_id}/introduce").status_code == 403


def test_related_words_are_shown_apart_from_shared_ones(client, app):
    """A pair found through different words of one meaning says so: 関連する語: 避難 ≈ 防災."""
    from govtech.extensions import db
    from govtech.models import Recommendation

    town = factories.user(app, "municipality")
    startup = factories.user(app, "startup")
    cid = factories.challenge(app, town)
    rec_id = factories.recommendation(app, cid, startup.org_id)
    with app.app_context():
        db.session.get(Recommendation, rec_id).related = [
            {"challenge_term": "避難", "startup_term": "防災", "weight": 0.04}]
        db.session.commit()
    factories.login(client, town)
    page = get_page(client, f"/challenges/{cid}")
    assert texts(page, ".rec-card .tag--related") == ["避難 ≈ 防災"]
    assert "関連する語:" in texts(page, ".rec-card .why-label")
    assert "避難 ≈ 防災" not in texts(page, ".rec-card .tag:not(.tag--related)")


def test_the_matcher_stores_related_words_with_the_pair(app, ctx):
    """What the matcher explains (Match.related) is what the stored pair keeps."""
    import matching
    from govtech.extensions import db
    from govtech.models import Recommendation
    from govtech.services.recommendations import store

    town = factories.user(app, "municipality")
    startup = factories.user(app, "startup")
    cid = factories.challenge(app, town)
    match = matching.Match(challenge_id=str(cid), startup_id=str(startup.org_id), score=0.5,
                           text_score=0.4,
                           related=(matching.RelatedTerm("避難", "防災", 0.04),))
    assert store.save([match], {cid: "c"}, {startup.org_id: "s"}) == 1
    rec = db.session.scalar(db.select(Recommendation).filter_by(challenge_id=cid))
    assert rec.related == [{"challenge_term": "避難", "startup_term": "防災", "weight": 0.04}]
