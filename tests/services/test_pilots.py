"""Pilot rules: one step forward, who may make which move, the report before leaving evaluation,
a reason for not adopting, stale versions, one open pilot per pair, days in each stage."""
from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from govtech.extensions import db
from govtech.models import Challenge, HistoryEvent, Organisation, Pilot, PilotStage, User
from govtech.services import history, pilots, workflow
from govtech.services.errors import (
    ConcurrentChange,
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from tests import factories, walk

PIPELINE = [s.value for s in workflow.PILOT_PIPELINE]


@pytest.fixture
def pair(app, ctx):
    """Records for both parties, a manager and outsiders, and the pair's challenge."""
    records = {"municipality": factories.user(app, "municipality"),
               "startup": factories.user(app, "startup"),
               "manager": factories.user(app, "manager"),
               "other_startup": factories.user(app, "startup"),
               "other_municipality": factories.user(app, "municipality")}
    challenge_id = factories.challenge(app, records["municipality"])
    return records, challenge_id


def _pilot(app, pair, stage="introduced", **kw) -> Pilot:
    records, challenge_id = pair
    pid = factories.pilot(app, records["manager"], challenge_id, records["startup"].org_id,
                          stage=stage, **kw)
    return db.session.get(Pilot, pid)


def _user(records, who) -> User:
    return db.session.get(User, records[who].id)


def _move(pilot, actor, target, **kw):
    return walk.move(actor, pilot, target, expected_version=pilot.version, **kw)


def test_every_forward_step_writes_stage_and_history(app, pair):
    pilot = _pilot(app, pair, "budgeting")
    events = db.session.scalars(history.events_for("pilot", pilot.id)).all()
    assert [e.to_state for e in events] == PIPELINE[:-1]
    assert [e.from_state for e in events][1:] == PIPELINE[:-2]
    assert pilot.stage == "budgeting" and pilot.version == len(PIPELINE) - 1


@pytest.mark.parametrize("current,target", [
    ("introduced", "proposal"),  # skipping a stage
    ("pilot", "introduced"),  # going back
    ("meeting", "adopted"),
    ("evaluation", "pilot"),
])
def test_only_one_step_forward(app, pair, current, target):
    pilot = _pilot(app, pair, current, report=True)
    with pytest.raises(InvalidTransition):
        _move(pilot, _user(pair[0], "manager"), target)
    assert pilot.stage == current


@pytest.mark.parametrize("final", ["adopted", "not_adopted", "withdrawn"])
def test_final_stages_are_final(app, pair, final):
    pilot = _pilot(app, pair, final)
    assert pilot.closed_at is not None and not pilot.is_open
    for target in ("introduced", "withdrawn", "not_adopted"):
        with pytest.raises(InvalidTransition):
            _move(pilot, _user(pair[0], "manager"), target, reason="budget")


@pytest.mark.parametrize("who", ["municipality", "startup", "manager"])
def test_parties_and_managers_move_forward(app, pair, who):
    pilot = _pilot(app, pair)
    _move(pilot, _user(pair[0], who), "meeting", note="初回面談を設定")
    assert pilot.stage == "meeting"


@pytest.mark.parametrize("who", ["other_startup", "other_municipality"])
def test_outsiders_cannot_see_or_move(app, pair, who):
    pilot = _pilot(app, pair)
    outsider = _user(pair[0], who)
    with pytest.raises(NotFound):
        pilots.get_visible(outsider, pilot.id)
    with pytest.raises(PermissionDenied):
        _move(pilot, outsider, "meeting")
    assert pilots.allowed_targets(outsider, pilot) == []


@pytest.mark.parametrize("who", ["startup", "municipality", "manager"])
def test_either_party_or_manager_withdraws(app, pair, who):
    # Issue 11: the municipality may withdraw its side too (it was refused before).
    pilot = _pilot(app, pair, "meeting")
    _move(pilot, _user(pair[0], who), "withdrawn")
    assert pilot.stage == "withdrawn"


@pytest.mark.parametrize("target", ["adopted", "not_adopted"])
@pytest.mark.parametrize("who,allowed", [("municipality", True), ("manager", True),
                                         ("startup", False)])
def test_only_municipality_or_manager_decides_adoption(app, pair, target, who, allowed):
    pilot = _pilot(app, pair, "budgeting")
    actor = _user(pair[0], who)
    if allowed:
        _move(pilot, actor, target, reason="budget")
        assert pilot.stage == target
    else:
        with pytest.raises(PermissionDenied):
            _move(pilot, actor, target, reason="budget")
        assert target not in pilots.allowed_targets(actor, pilot)


def test_allowed_targets_per_role(app, pair):
    pilot = _pilot(app, pair, "budgeting")
    records = pair[0]
    assert pilots.allowed_targets(_user(records, "startup"), pilot) == ["withdrawn"]
    assert pilots.allowed_targets(_user(records, "municipality"), pilot) == [
        "adopted", "not_adopted", "withdrawn"]
    assert pilots.allowed_targets(_user(records, "manager"), pilot) == [
        "adopted", "not_adopted", "withdrawn"]


def test_not_adopted_needs_a_reason_from_the_list(app, pair):
    pilot = _pilot(app, pair, "pilot")
    manager = _user(pair[0], "manager")
    for reason in (None, "", "weather"):
        with pytest.raises(DomainError) as error:
            _move(pilot, manager, "not_adopted", reason=reason)
        assert error.value.field == "reason"
    note = "既存システムと連携できない"
    _move(pilot, manager, "not_adopted", reason="fit", note=note)
    assert (pilot.not_adopted_reason, pilot.not_adopted_note) == ("fit", note)


@pytest.mark.parametrize("target", ["budgeting", "not_adopted", "withdrawn"])
def test_results_report_is_required_to_leave_evaluation(app, pair, target):
    pilot = _pilot(app, pair, "evaluation")
    manager = _user(pair[0], "manager")
    pilots.save_report(manager, pilot, verified="到達率が上がった", learned="高齢者はLINEが苦手",
                       changed="")
    with pytest.raises(DomainError, match="成果報告"):
        _move(pilot, manager, target, reason="effect")
    pilots.save_report(manager, pilot, changed="紙の配布を減らした")
    _move(pilot, manager, target, reason="effect")
    assert pilot.stage == target


def test_stale_version_is_refused_and_writes_nothing(app, pair):
    pilot = _pilot(app, pair)
    seen = pilot.version
    _move(pilot, _user(pair[0], "startup"), "meeting")
    with pytest.raises(ConcurrentChange, match="他の人"):
        walk.move(_user(pair[0], "municipality"), pilot, "proposal", expected_version=seen)
    assert pilot.stage == "meeting"
    assert db.session.scalar(select(func.count()).select_from(HistoryEvent).where(
        HistoryEvent.entity_type == "pilot")) == 2


def test_report_and_kpis_do_not_make_a_move_form_stale(app, pair):
    pilot = _pilot(app, pair)
    seen = pilot.version
    manager = _user(pair[0], "manager")
    pilots.save_report(manager, pilot, verified="x")
    pilots.add_kpi(manager, pilot, name="問い合わせ件数", unit="件", baseline=120, target=60)
    walk.move(manager, pilot, "meeting", expected_version=seen)
    assert pilot.stage == "meeting"


def test_start_refuses_a_second_open_pilot_for_the_pair(app, pair):
    records, challenge_id = pair
    manager = _user(records, "manager")
    challenge = db.session.get(Challenge, challenge_id)
    startup_org = db.session.get(Organisation, records["startup"].org_id)
    first = pilots.start(manager, challenge, startup_org, PilotStage.introduced, "推薦から紹介")
    with pytest.raises(DomainError, match="進行中"):
        pilots.start(manager, challenge, startup_org)
    walk.move(manager, first, "withdrawn", expected_version=first.version)
    assert pilots.start(manager, challenge, startup_org).id != first.id  # ended ones don't count


def test_start_is_for_managers_and_the_owning_municipality(app, pair):
    records, challenge_id = pair
    challenge = db.session.get(Challenge, challenge_id)
    startup_org = db.session.get(Organisation, records["startup"].org_id)
    for who in ("startup", "other_municipality"):
        with pytest.raises(PermissionDenied):
            pilots.start(_user(records, who), challenge, startup_org)
    with pytest.raises(DomainError):  # a municipality is not a startup
        pilots.start(_user(records, "manager"), challenge,
                     db.session.get(Organisation, records["other_municipality"].org_id))


def test_days_in_each_stage_come_from_the_timeline(app, pair):
    pilot = _pilot(app, pair, "meeting")
    events = db.session.scalars(history.events_for("pilot", pilot.id)).all()
    start = pilots._aware(events[0].created_at)
    events[0].created_at = start - timedelta(days=10)  # not flushed: only read here
    now = pilots._aware(events[1].created_at) + timedelta(days=3, hours=1)
    assert pilots.days_in_stages(pilot, events, now) == [("introduced", 10), ("meeting", 3)]
    db.session.expunge_all()


def test_board_shows_parties_their_own_pairs_and_managers_all(app, pair):
    records, _ = pair
    mine = _pilot(app, pair)
    elsewhere_owner = factories.user(app, "municipality")
    other_challenge = factories.challenge(app, elsewhere_owner, title="別の課題")
    factories.pilot(app, records["manager"], other_challenge, records["other_startup"].org_id)

    def ids(who, q=""):
        query = pilots.board_query(_user(records, who), pilots.Filters(q=q))
        return [p.id for p in db.session.scalars(query)]

    assert ids("startup") == [mine.id] and ids("municipality") == [mine.id]
    assert len(ids("manager")) == 2
    assert ids("manager", "別の") != [mine.id] and len(ids("manager", "別の")) == 1
    assert ids("other_municipality") == []


def test_kpis_and_milestones_are_for_parties(app, pair):
    pilot = _pilot(app, pair)
    records = pair[0]
    kpi = pilots.add_kpi(_user(records, "startup"), pilot, name="到達率", unit="%", baseline=40,
                         target=80, actual=None)
    pilots.update_kpi(_user(records, "municipality"), kpi, name="到達率", actual=72.5)
    assert kpi.actual == 72.5
    milestone = pilots.add_milestone(_user(records, "municipality"), pilot, "センサー設置", None)
    pilots.toggle_milestone(_user(records, "startup"), milestone)
    assert milestone.is_done
    with pytest.raises(PermissionDenied):
        pilots.add_kpi(_user(records, "other_startup"), pilot, name="x")
    with pytest.raises(DomainError):
        pilots.add_kpi(_user(records, "startup"), pilot, name=" ")


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                    reason="needs PostgreSQL (TEST_DATABASE_URL): real concurrent connections")
def test_two_people_moving_at_once_one_wins(app, pair):
    """Two requests load the same pilot and both move it: one wins, the other is told."""
    records, _ = pair
    pilot_id = _pilot(app, pair).id
    db.session.remove()
    loaded = threading.Barrier(2)
    outcomes: list[str] = []

    def request(who: str, target: str) -> None:
        with app.test_request_context():
            pilot = db.session.get(Pilot, pilot_id)
            actor = db.session.get(User, records[who].id)
            version = pilot.version
            pilot.challenge  # noqa: B018 — load what the permission check reads
            loaded.wait(timeout=10)
            try:
                walk.move(actor, pilot, target, expected_version=version)
                outcomes.append("moved")
            except ConcurrentChange:
                outcomes.append("concurrent")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=request, args=("startup", "meeting")),
               threading.Thread(target=request, args=("municipality", "meeting"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(outcomes) == ["concurrent", "moved"]
    with app.app_context():
        moves = db.session.scalar(select(func.count()).select_from(HistoryEvent).where(
            HistoryEvent.entity_type == "pilot", HistoryEvent.entity_id == pilot_id,
            HistoryEvent.to_state == "meeting"))
        assert moves == 1
        assert db.session.get(Pilot, pilot_id).version == 2
