"""The programme office reviews pairs: introduce starts the journey, reject needs a reason."""
from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from govtech.extensions import db
from govtech.models import HistoryEvent, Pilot, Recommendation, User
from govtech.services import introductions, recommendations
from govtech.services.errors import DomainError, InvalidTransition, PermissionDenied
from tests import factories


@pytest.fixture
def rec(app, ctx):
    town = factories.user(app, "municipality")
    startup = factories.user(app, "startup")
    cid = factories.challenge(app, town)
    return db.session.get(Recommendation, factories.recommendation(app, cid, startup.org_id))


@pytest.fixture
def manager(app, ctx):
    return db.session.get(User, factories.user(app, "manager").id)


def _events(rec):
    return [(e.from_state, e.to_state) for e in db.session.scalars(
        select(HistoryEvent).filter_by(entity_type="recommendation", entity_id=rec.id))]


def test_introduce_starts_a_pilot_at_introduction(rec, manager):
    pilot = introductions.introduce(manager, rec, "初回面談を調整します")
    assert rec.state == "introduced" and pilot.stage == "introduced"
    assert (pilot.challenge_id, pilot.startup_id) == (rec.challenge_id, rec.startup_id)
    assert _events(rec) == [("suggested", "introduced")]
    pilot_events = db.session.scalars(select(HistoryEvent).filter_by(entity_type="pilot",
                                                                     entity_id=pilot.id)).all()
    assert [e.note for e in pilot_events] == ["初回面談を調整します"]


def test_only_managers_introduce(app, rec):
    party = db.session.get(User, factories.user(app, "municipality").id)
    with pytest.raises(PermissionDenied):
        introductions.introduce(party, rec)
    assert db.session.scalar(select(Pilot)) is None


def test_reject_needs_a_reason_and_keeps_it(rec, manager):
    with pytest.raises(DomainError):
        recommendations.reject(manager, rec, "  ")
    recommendations.reject(manager, rec, "対象地域外")
    assert rec.state == "rejected" and rec.reason == "対象地域外"
    with pytest.raises(InvalidTransition):
        introductions.introduce(manager, rec)


def test_note_is_private_to_managers(app, rec, manager):
    recommendations.set_note(manager, rec, "先方の予算時期に注意")
    assert rec.manager_note == "先方の予算時期に注意"
    startup = db.session.get(User, factories.user(app, "startup").id)
    with pytest.raises(PermissionDenied):
        recommendations.set_note(startup, rec, "x")


def test_bulk_reports_each_pair(app, rec, manager):
    other = factories.user(app, "startup")
    second = factories.recommendation(app, rec.challenge_id, other.org_id)
    recommendations.reject(manager, db.session.get(Recommendation, second), "重複")
    done, problems = introductions.bulk(manager, [rec.id, second], "introduce")
    assert done == 1 and len(problems) == 1
    assert rec.state == "introduced"


# --- levels -------------------------------------------------------------------------------


@pytest.mark.parametrize(("score", "level"), [
    (1.07, "high"), (0.25, "high"), (0.2499, "medium"), (0.10, "medium"),
    (0.0999, "reference"), (0.05, "reference")])
def test_level_thresholds(score, level):
    assert recommendations.level(score) == level


def test_lists_keep_reference_pairs_apart(app, ctx):
    town = factories.user(app, "municipality")
    cid = factories.challenge(app, town)
    scores = {"high": 0.6, "medium": 0.15, "reference": 0.07}
    ids = {name: factories.recommendation(app, cid, factories.user(app, "startup").org_id, score)
           for name, score in scores.items()}
    actor = db.session.get(User, town.id)
    shown = list(db.session.scalars(recommendations.visible_query(actor)))
    assert [r.id for r in shown] == [ids["high"], ids["medium"]]  # also the home page's top 5
    folded, total = recommendations.folded(actor, recommendations.Filters())
    assert [r.id for r in folded] == [ids["reference"]] and total == 1


def test_reason_is_one_sentence_from_the_explanation(app):
    why = {"terms": ["統計", "可視化", "分析", "データ"], "categories": ["データ利活用"],
           "region": "埼玉県", "proven": {"town": "由利本荘市"},
           "related": [("避難", "防災")]}
    with app.test_request_context("/"):
        assert recommendations.reason(why) == (
            "統計・可視化・分析が一致／埼玉県に対応／同分野で導入実績／関連する語：避難 ≈ 防災")
        assert recommendations.reason(why | {"terms": [], "region": "", "proven": None,
                                             "related": []}) == "同じ分野：データ利活用"
    with app.test_request_context("/"), force_locale("en"):
        assert recommendations.reason(why) == (
            "統計, 可視化, 分析 in common / Serves 埼玉県 / Adopted for a similar challenge"
            " / Related words: 避難 ≈ 防災")


# --- existing pairs -------------------------------------------------------------------------


@pytest.fixture
def parties(app, ctx):
    town = factories.user(app, "municipality")
    startup = factories.user(app, "startup")
    manager = factories.user(app, "manager")
    cid = factories.challenge(app, town)
    rec_id = factories.recommendation(app, cid, startup.org_id)
    return town, startup, manager, cid, rec_id


def _visible(user_id: int) -> list[int]:
    return [r.id for r in db.session.scalars(
        recommendations.visible_query(db.session.get(User, user_id)))]


@pytest.mark.parametrize("stage", ["introduced", "meeting", "proposal", "selected", "agreement",
                                   "pilot", "evaluation", "budgeting", "adopted"])
def test_a_pair_in_the_pipeline_is_never_recommended_again(app, parties, stage):
    town, startup, manager, cid, rec_id = parties
    assert rec_id in _visible(startup.id)
    factories.pilot(app, manager, cid, startup.org_id, stage=stage)
    for who in (town, startup, manager):
        assert rec_id not in _visible(who.id)


@pytest.mark.parametrize("stage", ["withdrawn", "not_adopted"])
def test_an_ended_pilot_does_not_hide_the_pair(app, parties, stage):
    town, startup, manager, cid, rec_id = parties
    factories.pilot(app, manager, cid, startup.org_id, stage=stage)
    assert rec_id in _visible(town.id)


@pytest.mark.parametrize(("state", "hidden"), [("submitted", True), ("shortlisted", True),
                                               ("withdrawn", False), ("declined", False)])
def test_a_live_proposal_hides_the_pair(app, parties, state, hidden):
    town, startup, _manager, cid, rec_id = parties
    factories.proposal(app, startup, cid, state=state, reviewer=town)
    assert (rec_id not in _visible(startup.id)) is hidden


def test_pair_status_names_the_stage_and_day(app, parties):
    town, startup, manager, cid, _rec_id = parties
    pilot_id = factories.pilot(app, manager, cid, startup.org_id, stage="pilot")
    other_town = factories.user(app, "municipality")
    for who in (town, startup, manager):
        found = recommendations.pair_statuses(db.session.get(User, who.id), [town.org_id],
                                              [startup.org_id])
        status = found.pair(cid, startup.org_id)
        assert status is not None and status.key == "piloting" and status.days == 1
        assert status.pilot_id == pilot_id
        assert found.orgs(town.org_id, startup.org_id) == status
    outsider = recommendations.pair_statuses(db.session.get(User, other_town.id),
                                             [town.org_id], [startup.org_id])
    assert outsider.pair(cid, startup.org_id) is None  # others' pairs are not told


# --- interest ---------------------------------------------------------------------------------


def test_interest_is_recorded_once_undone_and_seen_by_managers_only(app, parties):
    town, startup, manager, _cid, rec_id = parties
    rec = db.session.get(Recommendation, rec_id)
    town_user = db.session.get(User, town.id)
    assert recommendations.express_interest(town_user, rec) is True
    assert recommendations.express_interest(town_user, rec) is False  # idempotent
    assert _events(rec) == [(None, "interest_municipality")]

    def interest_seen_by(who):
        rows = recommendations.with_explanations([rec], db.session.get(User, who.id))
        return {side for side, said in rows[0]["interest"].items() if said and side != "mine"}

    assert interest_seen_by(manager) == {"town"}
    assert interest_seen_by(town) == {"town"}
    assert interest_seen_by(startup) == set()  # the other party is not told
    ordered = recommendations.visible_query(db.session.get(User, manager.id),
                                            recommendations.Filters(sort="interest"))
    assert next(iter(db.session.scalars(ordered))).id == rec_id
    assert recommendations.withdraw_interest(town_user, rec) is True
    assert recommendations.withdraw_interest(town_user, rec) is False
    assert interest_seen_by(manager) == set()
    assert _events(rec)[-1] == ("interest_municipality", "interest_withdrawn")


def test_managers_and_outsiders_cannot_express_interest(app, parties):
    _town, _startup, manager, _cid, rec_id = parties
    rec = db.session.get(Recommendation, rec_id)
    with pytest.raises(DomainError):
        recommendations.express_interest(db.session.get(User, manager.id), rec)
    outsider = db.session.get(User, factories.user(app, "startup").id)
    with pytest.raises(PermissionDenied):
        recommendations.express_interest(outsider, rec)


# --- bulk ------------------------------------------------------------------------------------


def test_bulk_plan_names_everyone_written_to_and_changes_nothing(app, parties):
    town, startup, manager, cid, rec_id = parties
    colleague = factories.user(app, "startup", org_id=startup.org_id)
    plan = introductions.plan(db.session.get(User, manager.id), [rec_id, rec_id, 999999])
    assert [p.rec.id for p in plan] == [rec_id]
    assert [u.id for u in plan[0].town_people] == [town.id]
    assert [u.id for u in plan[0].startup_people] == [startup.id, colleague.id]
    assert {o.id for o in introductions.organisations(plan)} == {town.org_id, startup.org_id}
    assert db.session.get(Recommendation, rec_id).state == "suggested"
    with pytest.raises(PermissionDenied):
        introductions.plan(db.session.get(User, town.id), [rec_id])
