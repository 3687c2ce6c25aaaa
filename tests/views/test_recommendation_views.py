"""Recommendation pages: each party sees its own pairs with the reasons, and can hide them."""
from __future__ import annotations

import re

import pytest

from govtech.services import recommendations
from tests import factories
from tests.services.test_recommendations import DISASTER, SENSOR


@pytest.fixture(autouse=True)
def _fresh_index():
    recommendations.forget_index()


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
    page = client.get(f"/challenges/{cid}").get_data(as_text=True)
    assert "おすすめのスタートアップ" in page and "共通するキーワード" in page
    assert f"/startups/{sensor.org_id}" in page and "水位" in page


def test_other_startups_do_not_see_the_recommendation_panel(client, app, pair):
    _town, _sensor, cid = pair
    factories.login(client, factories.user(app, "startup"))
    assert "おすすめのスタートアップ" not in client.get(f"/challenges/{cid}").get_data(as_text=True)


def test_startup_home_shows_fitting_challenges(client, pair):
    _town, sensor, cid = pair
    factories.login(client, sensor)
    page = client.get("/home").get_data(as_text=True)
    assert "あなたに合う課題" in page and f"/challenges/{cid}" in page


def test_dismiss_hides_the_pair(client, pair):
    town, sensor, cid = pair
    factories.login(client, town)
    page = client.get(f"/challenges/{cid}").get_data(as_text=True)
    rec_id = re.search(r"/recommendations/(\d+)/dismiss", page).group(1)
    response = client.post(f"/recommendations/{rec_id}/dismiss",
                           data={"next": f"/challenges/{cid}"})
    assert response.headers["Location"].endswith(f"/challenges/{cid}")
    assert f"/startups/{sensor.org_id}" not in client.get(f"/challenges/{cid}").get_data(
        as_text=True)


def test_someone_elses_pair_cannot_be_dismissed(client, app, pair):
    _town, _sensor, cid = pair
    factories.login(client, factories.user(app, "municipality"))
    rec_id = factories.recommendation(app, cid, pair[1].org_id)
    assert client.post(f"/recommendations/{rec_id}/dismiss").status_code == 404


def test_manager_review_queue_lists_all_pairs(client, app, pair):
    _town, sensor, cid = pair
    factories.login(client, factories.user(app, "manager"))
    page = client.get("/recommendations/?lang=en").get_data(as_text=True)
    assert "Review queue" in page and f"/challenges/{cid}" in page and "Shared keywords" in page
    assert f"/challenges/{cid}" not in client.get("/recommendations/?min_score=1.5").get_data(
        as_text=True)


def test_rebuild_page_starts_a_run_and_shows_progress(client, app, pair):
    factories.login(client, factories.user(app, "manager"))
    assert client.post("/recommendations/rebuild").status_code == 302
    page = client.get("/recommendations/rebuild").get_data(as_text=True)
    assert "<progress" in page


def test_cli_rebuild_follows_progress(app, pair):
    result = app.test_cli_runner().invoke(args=["matching", "rebuild", "--timeout", "60"])
    assert result.exit_code == 0, result.output
    assert "Done:" in result.output and "pairs" in result.output


def test_manager_introduces_from_the_queue(client, app, pair):
    _town, sensor, cid = pair
    rec_id = factories.recommendation(app, cid, sensor.org_id)
    factories.login(client, factories.user(app, "manager"))
    page = client.get("/recommendations/").get_data(as_text=True)
    assert "紹介する" in page and "見送る" in page
    response = client.post(f"/recommendations/{rec_id}/introduce", data={"next": "/pilots/"})
    assert response.headers["Location"].endswith("/pilots/")
    assert "河川水位" in client.get("/pilots/").get_data(as_text=True)


def test_reject_without_reason_is_refused_with_message(client, app, pair):
    _town, sensor, cid = pair
    rec_id = factories.recommendation(app, cid, sensor.org_id)
    factories.login(client, factories.user(app, "manager"))
    client.post(f"/recommendations/{rec_id}/reject", data={"reason": ""})
    page = client.get("/recommendations/").get_data(as_text=True)
    assert "理由" in page and f"/recommendations/{rec_id}/introduce" in page


def test_parties_cannot_introduce(client, app, pair):
    town, sensor, cid = pair
    rec_id = factories.recommendation(app, cid, sensor.org_id)
    factories.login(client, town)
    assert client.post(f"/recommendations/{rec_id}/introduce").status_code == 403
