"""Recommendation pages: each party sees its own pairs with the reasons, and can hide them."""
from __future__ import annotations

import re

import pytest

from tests import factories
from tests.html import anywhere, flash_messages, get_page, post_page, targets, text, texts
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
    buttons = texts(page, "button")
    assert "紹介する" in buttons and "この組み合わせを見送る" in buttons
    # rejecting is destructive: under その他の操作, naming the pair
    more = page.select_one(".rec-card details.more-actions")
    assert text(more.find("summary")) == "その他の操作" and "河川水位" in text(more)
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
    """A pair found through different words of one meaning says so: 関連する語：避難 ≈ 防災."""
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
    assert "関連する語：" in texts(page, ".rec-card .why-label")
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


# --- levels, actions, existing pairs, bulk -----------------------------------------------------


def _pair_with(app, score: float):
    town = factories.user(app, "municipality")
    startup = factories.user(app, "startup")
    cid = factories.challenge(app, town)
    return town, startup, cid, factories.recommendation(app, cid, startup.org_id, score)


def test_cards_show_levels_in_words_and_fold_reference_ones(client, app):
    town, _startup, cid, _high = _pair_with(app, 0.6)
    weak = factories.user(app, "startup")
    weak_id = factories.recommendation(app, cid, weak.org_id, 0.07)
    factories.login(client, town)
    page = get_page(client, "/recommendations/")
    assert texts(page, "main > .card-list .level-badge") == ["相性 高"]
    folded = page.select_one("details.rec-others")
    assert text(folded.find("summary")) == "その他の候補（1件）"
    assert texts(folded, ".level-badge") == ["相性 参考"]
    assert f"/recommendations/{weak_id}/dismiss" in targets(folded)
    assert not page.select(".rec-score") and not anywhere(page, "0.6")  # no raw score
    home = get_page(client, "/home")
    assert f"/recommendations/{weak_id}/dismiss" not in targets(home)  # not in the top 5


def test_managers_see_the_score_small_beside_the_level(client, app):
    _pair_with(app, 0.6)
    factories.login(client, factories.user(app, "manager"))
    page = get_page(client, "/recommendations/?lang=en")
    assert texts(page, ".level-badge") == ["Match: high"] and texts(page, ".rec-score") == ["0.6"]


def test_each_party_has_a_positive_action(client, app):
    town, startup, cid, rec_id = _pair_with(app, 0.6)
    factories.login(client, town)
    page = get_page(client, "/recommendations/")
    assert "関心あり（事務局に紹介を依頼）" in texts(page, ".rec-card button")
    response = client.post(f"/recommendations/{rec_id}/interest",
                           data={"next": "/recommendations/"})
    assert response.status_code == 302
    page = get_page(client, "/recommendations/")
    assert "関心を取り消す" in texts(page, ".rec-card button")
    assert any("事務局" in badge for badge in texts(page, ".interest-badge"))
    client.post("/logout")
    factories.login(client, startup)
    page = get_page(client, "/recommendations/")
    assert f"/challenges/{cid}/apply" in targets(page)  # the challenge takes proposals
    assert "この課題に提案する" in texts(page, ".rec-card a")
    assert "関心あり" in texts(page, ".rec-card button")
    assert not page.select(".interest-badge")  # the town's interest is for the office only
    client.post("/logout")
    factories.login(client, factories.user(app, "manager"))
    page = get_page(client, "/recommendations/?sort=interest")
    assert texts(page, ".interest-badge") == ["自治体が関心あり"]
    assert client.post(f"/recommendations/{rec_id}/interest").status_code == 403


def test_a_pair_in_the_pipeline_leaves_the_lists_and_shows_as_a_badge(client, app):
    town, startup, cid, rec_id = _pair_with(app, 0.6)
    other_cid = factories.challenge(app, town, title="庁内チャットの導入")
    other_rec = factories.recommendation(app, other_cid, startup.org_id, 0.6)
    manager = factories.user(app, "manager")
    factories.pilot(app, manager, cid, startup.org_id, stage="pilot")
    factories.login(client, town)
    page = get_page(client, "/recommendations/")
    assert f"/recommendations/{rec_id}/dismiss" not in targets(page)
    assert f"/recommendations/{other_rec}/dismiss" in targets(page)
    assert texts(page, ".pair-badge") == ["実証中・1日目"]  # the startup, on another challenge


def test_bulk_bar_has_no_default_and_confirms_recipients_first(client, app):
    town, startup, cid, rec_id = _pair_with(app, 0.6)
    factories.login(client, factories.user(app, "manager"))
    page = get_page(client, "/recommendations/")
    bar = page.select_one("#bulk-form")
    action = bar.select_one("select[name=action]")
    assert action.has_attr("required") and action.find("option").get("value") == ""
    assert action.find("option").has_attr("selected")
    assert text(bar.select_one("details.more-actions summary")) == "その他の操作"
    confirm = get_page(client, f"/recommendations/bulk?ids={rec_id}&action=introduce")
    assert anywhere(confirm, town.email) and anywhere(confirm, startup.email)
    assert len(confirm.select("main button[type=submit]")) == 1
    with app.app_context():
        from govtech.extensions import db
        from govtech.models import Recommendation
        assert db.session.get(Recommendation, rec_id).state == "suggested"
    # a POST without the confirmation shows the same page and sends nothing
    post_page(client, "/recommendations/bulk", data={"ids": [rec_id], "action": "introduce"})
    with app.app_context():
        assert db.session.get(Recommendation, rec_id).state == "suggested"
    response = client.post("/recommendations/bulk", data={
        "ids": [rec_id], "action": "introduce", "confirmed": "1", "next": "/recommendations/"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Recommendation, rec_id).state == "introduced"


def test_bulk_reject_names_the_pairs_and_needs_a_reason(client, app):
    _town, _startup, _cid, rec_id = _pair_with(app, 0.6)
    factories.login(client, factories.user(app, "manager"))
    confirm = get_page(client, f"/recommendations/bulk?ids={rec_id}&reject=1")
    assert anywhere(confirm, "防災アプリによる避難情報の配信")
    assert confirm.select_one("input[name=reason]").has_attr("required")
    client.post("/recommendations/bulk", data={"ids": [rec_id], "action": "reject",
                                               "confirmed": "1", "reason": ""})
    with app.app_context():
        from govtech.extensions import db
        from govtech.models import Recommendation
        assert db.session.get(Recommendation, rec_id).state == "suggested"
