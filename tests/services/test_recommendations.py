"""Recommendations: scored on save, explained, kept out once dismissed, rebuilt in background."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from govtech.extensions import db
from govtech.models import (
    Capability,
    Challenge,
    MatchingRun,
    Organisation,
    OrgState,
    Recommendation,
    User,
)
from govtech.services import challenges, organisations, recommendations, startups
from govtech.services.errors import PermissionDenied
from tests import factories

DISASTER = {"title": "河川水位の見える化と防災情報の配信",
            "summary": "豪雨時に河川の水位を住民へすぐに知らせたい。",
            "description": "IoTセンサーで水位を測り、防災アプリで住民に届けたい。",
            "categories": ["disaster"], "tags": ["防災", "IoT", "水位"]}
SENSOR = {"title": "IoT水位センサーと防災情報配信",
          "description": "IoTセンサーで河川の水位を測り、防災アプリで知らせます。",
          "categories": ["disaster"], "tags": ["防災", "IoT"], "regions": ["all"],
          "track_record": []}
CHILDCARE = {"title": "母子手帳アプリ",
             "description": "子育て世帯に健診と予防接種の案内を届けます。",
             "categories": ["childcare"], "tags": ["子育て"], "regions": ["13"], "track_record": []}


pytestmark = pytest.mark.usefixtures("fresh_index")


@pytest.fixture
def pair(app):
    """An open disaster challenge, a fitting startup and an unrelated one."""
    town = factories.user(app, "municipality", prefecture="05")
    sensor = factories.user(app, "startup")
    child = factories.user(app, "startup")
    factories.capability(app, sensor, **SENSOR)
    factories.capability(app, child, **CHILDCARE)
    cid = factories.challenge(app, town, **DISASTER)
    return town, sensor, child, cid


def _recs(app, **where):
    with app.app_context():
        return [(r.challenge_id, r.startup_id, r.state.value)
                for r in db.session.scalars(select(Recommendation).filter_by(**where))]


def test_opening_a_challenge_scores_it_at_once(app, pair):
    """The fitting startup is suggested as soon as the challenge opens, above the other one."""
    _town, sensor, child, cid = pair
    with app.app_context():
        scores = {r.startup_id: r.score for r in db.session.scalars(
            select(Recommendation).filter_by(challenge_id=cid))}
    assert sensor.org_id in scores
    assert scores[sensor.org_id] > scores.get(child.org_id, 0)


def test_recommendation_is_explained_in_words(app, pair, ctx):
    _town, sensor, _child, cid = pair
    rec = db.session.scalar(select(Recommendation).filter_by(challenge_id=cid,
                                                             startup_id=sensor.org_id))
    why = recommendations.explain(rec)
    assert {"防災", "水位", "IoT"} <= set(why["terms"])  # as the town wrote it, not "iot"
    assert why["categories"] == ["防災"]
    assert why["region"] == "秋田県"
    assert rec.matcher_version and rec.score > 0


def _startup_with(description: str, *tags: str) -> Organisation:
    org = Organisation(name="株式会社テスト", description=description)
    org.capabilities = [Capability(title="サービス", description="", tags=list(tags))]
    return org


def test_chips_show_whole_words_as_written_in_both_texts(app, ctx):
    """The matcher folds plurals ("maas" → "maa", "teams" → "team"): a chip shows the word
    as written, never a fragment, and only words both texts contain."""
    challenge = Challenge(title="ＭａａＳとTeamsの活用", summary="Drones for river checks",
                          description="課題を見つける仕組み", desired_outcome="", tags=["GovTech"])
    startup = _startup_with("We run a maas platform on Microsoft Teams with drones. "
                            "防災の課題を見つける", "govtech")
    shown = recommendations.display_terms(
        ["maa", "team", "drone", "govtech", "見付ける", "防災", "lorawan"], challenge, startup)
    assert shown == ["MaaS", "Teams", "Drones", "GovTech", "見つける"]
    assert "Maa" not in shown and "Team" not in shown  # never cut mid-word


def test_a_term_missing_from_either_text_is_not_shown(app, ctx):
    challenge = Challenge(title="防災アプリ", summary="", description="", desired_outcome="",
                          tags=[])
    assert recommendations.display_terms(["防災", "アプリ"], challenge,
                                         _startup_with("防災センサー")) == ["防災"]


def test_dismissed_pair_stays_out_until_a_text_changes(app, pair, ctx):
    town, sensor, _child, cid = pair
    actor = db.session.get(User, town.id)
    rec = db.session.scalar(select(Recommendation).filter_by(challenge_id=cid,
                                                             startup_id=sensor.org_id))
    recommendations.dismiss(actor, rec, "既に導入済み")
    challenge = db.session.get(Challenge, cid)
    recommendations.refresh_challenge(challenge)
    assert _recs(app, challenge_id=cid, startup_id=sensor.org_id) == [
        (cid, sensor.org_id, "dismissed")]
    challenges.update(actor, challenge, expected_version=challenge.version,
                      description=challenge.description + " 避難の判断を早めたい。")
    assert _recs(app, challenge_id=cid, startup_id=sensor.org_id) == [
        (cid, sensor.org_id, "suggested")]


def test_only_parties_may_dismiss(app, pair, ctx):
    _town, sensor, _child, cid = pair
    stranger = db.session.get(User, factories.user(app, "municipality").id)
    rec = db.session.scalar(select(Recommendation).filter_by(challenge_id=cid))
    with pytest.raises(PermissionDenied):
        recommendations.dismiss(stranger, rec)


def test_closed_challenges_and_pending_startups_take_no_part(app, pair, ctx):
    town, _sensor, _child, cid = pair
    challenges.transition(db.session.get(User, town.id), db.session.get(Challenge, cid),
                          challenges.ChallengeState.closed)
    assert _recs(app, challenge_id=cid) == []
    factories.challenge(app, town, **DISASTER)  # an open one again, for the newcomer
    late = factories.user(app, "startup")
    factories.capability(app, late, **SENSOR)
    assert _recs(app, startup_id=late.org_id)
    manager = db.session.get(User, factories.user(app, "manager").id)
    organisations.set_state(manager, db.session.get(Organisation, late.org_id),
                            OrgState.suspended)
    assert _recs(app, startup_id=late.org_id) == []


def test_startup_side_is_scored_on_save(app, pair, ctx):
    _town, _sensor, _child, cid = pair
    newcomer = factories.user(app, "startup")
    factories.capability(app, newcomer, **SENSOR)
    assert (cid, newcomer.org_id, "suggested") in _recs(app, startup_id=newcomer.org_id)


def test_empty_document_gets_none_and_says_why(app, ctx):
    town = db.session.get(User, factories.user(app, "municipality").id)
    challenge = challenges.create(town, title="！！！", summary="？？？", categories=["other"])
    challenges.transition(town, challenge, challenges.ChallengeState.open)
    assert recommendations.refresh_challenge(challenge) in ("empty", "no_terms")
    assert _recs(app, challenge_id=challenge.id) == []


def test_full_rebuild_runs_in_the_background_with_progress(app, pair, ctx):
    _town, sensor, _child, cid = pair
    manager = db.session.get(User, factories.user(app, "manager").id)
    db.session.execute(Recommendation.__table__.delete())
    db.session.commit()
    run = recommendations.start_rebuild(manager)
    for _ in range(300):
        db.session.expire_all()
        run = db.session.get(MatchingRun, run.id)
        if run.state in ("finished", "failed"):
            break
        time.sleep(0.1)
    assert run.state == "finished", run.message
    assert run.done == run.total == 1000
    assert (cid, sensor.org_id, "suggested") in _recs(app, challenge_id=cid)


def test_rebuild_is_for_managers(app, ctx):
    startup = db.session.get(User, factories.user(app, "startup").id)
    with pytest.raises(PermissionDenied):
        recommendations.start_rebuild(startup)


def test_startup_doc_joins_profile_and_capabilities(app, pair, ctx):
    _town, sensor, _child, _cid = pair
    org = db.session.get(Organisation, sensor.org_id)
    doc = recommendations.startup_doc(org)
    assert "IoT水位センサー" in doc.body and "防災" in doc.categories and "全国" in doc.regions
    before = recommendations.fingerprint(doc)
    startups.save_capability(db.session.get(User, sensor.id), org, None, title="追加",
                             description="新しい説明", categories=[], tags=[], regions=[],
                             track_record=[])
    assert recommendations.fingerprint(recommendations.startup_doc(org)) != before


def test_a_matcher_failure_never_loses_the_edit(app, pair, ctx, monkeypatch):
    """Scoring runs after the edit is committed, in a unit of its own: its failure is logged."""
    from govtech.services.recommendations import index

    town, _sensor, _child, cid = pair

    def broken():
        raise RuntimeError("matcher down")

    monkeypatch.setattr(index, "matcher", broken)
    challenge = db.session.get(Challenge, cid)
    challenges.update(db.session.get(User, town.id), challenge,
                      expected_version=challenge.version, description="避難の判断を早めたい。")
    db.session.remove()
    assert db.session.get(Challenge, cid).description == "避難の判断を早めたい。"


def test_refresh_inside_a_unit_waits_for_its_commit(app, pair, ctx):
    """Called inside another unit of work, a refresh runs only once that unit has committed."""
    from govtech.services import transaction

    _town, sensor, _child, cid = pair
    db.session.execute(Recommendation.__table__.delete())
    db.session.commit()

    @transaction.unit_of_work()
    def edit_then_refresh():
        recommendations.refresh_quietly("challenge", db.session.get(Challenge, cid))
        assert _recs(app, challenge_id=cid) == []  # not yet

    edit_then_refresh()
    assert (cid, sensor.org_id, "suggested") in _recs(app, challenge_id=cid)


def test_a_rebuild_that_cannot_be_queued_is_marked_failed(app, ctx, monkeypatch):
    """Otherwise the queued run would block every later rebuild."""
    from govtech import jobs

    def no_queue(*_args):
        raise ConnectionError("no Redis")

    monkeypatch.setattr(jobs, "enqueue", no_queue)
    manager = db.session.get(User, factories.user(app, "manager").id)
    with pytest.raises(recommendations.CannotQueue, match="実行できません"):
        recommendations.start_rebuild(manager)
    db.session.expire_all()
    run = recommendations.latest_run()
    assert run.state == "failed"
    assert "実行できません" in recommendations.run_view(run).outcome
    monkeypatch.undo()
    assert recommendations.start_rebuild(manager).id != run.id
