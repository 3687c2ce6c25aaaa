"""Where a pair stands: next step and side for every stage, the programme's stage medians from
made-up history, stuck pairs, and each stage's checklist (with the results-report rule)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from govtech.extensions import db
from govtech.models import HistoryEvent, Milestone, Organisation, Pilot, PilotKPI, User
from govtech.models.base import utcnow
from govtech.models.enums import OrgState
from govtech.services import pilots, pipeline_status, workflow
from govtech.services.pipeline_status import EITHER, MUNICIPALITY, OFFICE
from tests import factories, walk

OPEN = [s.value for s in workflow.PILOT_PIPELINE if s.value != "adopted"]


@pytest.fixture
def pair(app, ctx):
    records = {"municipality": factories.user(app, "municipality"),
               "startup": factories.user(app, "startup"),
               "manager": factories.user(app, "manager")}
    return records, factories.challenge(app, records["municipality"])


def _pilot(app, pair, stage="introduced", **kw) -> Pilot:
    records, challenge_id = pair
    pid = factories.pilot(app, records["manager"], challenge_id, records["startup"].org_id,
                          stage=stage, **kw)
    return db.session.get(Pilot, pid)


EXPECTED = {  # stage: (text of the next step on a bare pilot, whose side)
    "introduced": ("初回面談の日程を決める（期日付きのマイルストーン）", OFFICE),
    "meeting": ("初回面談を実施し、マイルストーンを完了にする", EITHER),
    "proposal": ("選定を判断する", MUNICIPALITY),
    "selected": ("協定書の締結を記録する", MUNICIPALITY),
    "agreement": ("実証計画書を作成する", EITHER),
    "pilot": ("KPIの基準値と目標値を決める", EITHER),
    "evaluation": ("すべてのKPIの実績値を記録する", EITHER),
    "budgeting": ("予算要求を記録する", MUNICIPALITY),
}


@pytest.mark.parametrize("stage", OPEN)
def test_next_step_and_side_for_every_stage(app, pair, stage):
    pilot = _pilot(app, pair, stage)
    step = pipeline_status.next_step(pilot)
    assert (step.text, step.side) == EXPECTED[stage]
    assert step.stage == stage and step.due is None


@pytest.mark.parametrize("stage", ["adopted", "not_adopted", "withdrawn"])
def test_an_ended_pair_waits_on_nobody(app, pair, stage):
    pilot = _pilot(app, pair, stage)
    step = pipeline_status.next_step(pilot)
    assert step.side is None and step.due is None and pipeline_status.checklist(pilot) == []


def test_evaluation_waits_on_either_party_until_the_report_then_on_the_municipality(app, pair):
    pilot = _pilot(app, pair, "evaluation")
    assert pipeline_status.waits_on(pilot) == EITHER
    pilot.verified, pilot.learned, pilot.changed = "検証", "学び", "変化"
    assert pipeline_status.waits_on(pilot) == MUNICIPALITY
    assert pipeline_status.next_step(pilot).text == "すべてのKPIの実績値を記録する"
    db.session.add(PilotKPI(pilot=pilot, name="到達率", baseline=1, target=2, actual=3))
    db.session.flush()
    db.session.refresh(pilot)
    assert pipeline_status.next_step(pilot).text == "予算化に進む"


def test_a_frozen_pair_waits_on_the_office(app, pair):
    pilot = _pilot(app, pair, "proposal")
    db.session.get(Organisation, pilot.startup_id).state = OrgState.suspended
    step = pipeline_status.next_step(pilot)
    assert step.side == OFFICE and step.text == "利用停止を解除する"


def test_due_date_is_the_next_open_milestone(app, pair):
    pilot = _pilot(app, pair, "agreement")
    today = date.today()
    db.session.add_all([Milestone(pilot=pilot, title="済", due_date=today, is_done=True),
                        Milestone(pilot=pilot, title="後", due_date=today + timedelta(days=30)),
                        Milestone(pilot=pilot, title="次", due_date=today + timedelta(days=9)),
                        Milestone(pilot=pilot, title="未定", due_date=None)])
    db.session.flush()
    db.session.refresh(pilot)
    assert pipeline_status.next_step(pilot).due == today + timedelta(days=9)


@pytest.mark.parametrize("stage", OPEN)
def test_the_sql_side_rule_agrees_with_the_python_one(app, pair, stage):
    records, _challenge = pair
    pilot = _pilot(app, pair, stage)
    report_states = [False, True] if stage == "evaluation" else [False]
    for written in report_states:
        if written:
            pilot.verified, pilot.learned, pilot.changed = "検証", "学び", "変化"
            db.session.flush()
        for side in pipeline_status.SIDES:
            found = db.session.scalar(select(Pilot.id).join(Pilot.startup).where(
                Pilot.id == pilot.id,
                pipeline_status.waiting_on_sql(
                    side, stage=Pilot.stage, has_report=pipeline_status.report_written_sql(),
                    frozen=pipeline_status.frozen_sql(Organisation.state, Organisation.state))))
            assert (found is not None) == (pipeline_status.waits_on(pilot) == side), (stage, side)


# --- checklist ----------------------------------------------------------------------------------

def _keys(items):
    return {item.key: item.done for item in items}


def test_checklist_of_the_first_stages(app, pair):
    introduced = _pilot(app, pair, "introduced")
    assert _keys(pipeline_status.checklist(introduced)) == {"first_meeting_scheduled": False}
    db.session.add(Milestone(pilot=introduced, title="初回面談", due_date=date(2027, 1, 8)))
    db.session.flush()
    db.session.refresh(introduced)
    [item] = pipeline_status.checklist(introduced)
    assert item.done and item.due == date(2027, 1, 8) and item.side == OFFICE
    step = pipeline_status.next_step(introduced)
    assert step.text == "初回面談を設定する" and step.due == date(2027, 1, 8)

    records, _challenge = pair
    meeting = _pilot(app, (records, factories.challenge(app, records["municipality"])), "meeting")
    assert _keys(pipeline_status.checklist(meeting)) == {"first_meeting_held": False,
                                                         "meeting_notes": False}
    db.session.add(Milestone(pilot=meeting, title="初回面談", is_done=True))
    db.session.flush()
    db.session.refresh(meeting)
    assert _keys(pipeline_status.checklist(meeting)) == {"first_meeting_held": True,
                                                         "meeting_notes": False}
    assert pipeline_status.next_step(meeting).text == "初回面談の議事メモを残す"


def test_the_proposal_stage_has_nothing_to_record(app, pair):
    assert pipeline_status.checklist(_pilot(app, pair, "proposal")) == []


@pytest.mark.parametrize(("stage", "keys"), [
    ("selected", {"agreement": False}),
    ("agreement", {"pilot_plan": False, "kpis_defined": False})])
def test_decision_stages_keep_their_documents(app, pair, stage, keys):
    assert _keys(pipeline_status.checklist(_pilot(app, pair, stage))) == keys


def test_checklist_of_the_pilot_stage_wants_kpis_with_baseline_and_target_and_milestones(
        app, pair):
    pilot = _pilot(app, pair, "pilot")
    assert _keys(pipeline_status.checklist(pilot)) == {"kpis_defined": False,
                                                       "milestones_done": False}
    db.session.add_all([PilotKPI(pilot=pilot, name="到達率", baseline=40, target=80),
                        PilotKPI(pilot=pilot, name="時間", baseline=None, target=30),
                        Milestone(pilot=pilot, title="設置", is_done=True)])
    db.session.flush()
    db.session.refresh(pilot)
    items = pipeline_status.checklist(pilot)
    assert _keys(items) == {"kpis_defined": False, "milestones_done": True}
    assert items[0].detail == "1 / 2"
    pilot.kpis[1].baseline = 60
    assert _keys(pipeline_status.checklist(pilot))["kpis_defined"]


def test_checklist_of_evaluation_holds_the_report_rule(app, pair):
    records, _challenge = pair
    pilot = _pilot(app, pair, "evaluation")
    items = {item.key: item for item in pipeline_status.checklist(pilot)}
    assert set(items) == {"kpi_actuals", "results_report"}
    assert items["results_report"].required and not items["results_report"].done
    assert not items["kpi_actuals"].required
    pilot.verified, pilot.learned, pilot.changed = "検証", "学び", "変化"
    items = {item.key: item for item in pipeline_status.checklist(pilot)}
    assert items["results_report"].done
    # the rule is the one services.pilots.move enforces: a written report lets the pair on
    manager = db.session.get(User, records["manager"].id)
    walk.move(manager, pilot, "budgeting", expected_version=pilot.version)
    assert pilot.stage == "budgeting"


def test_checklist_of_budgeting_is_the_request_the_contract_and_the_decision(app, pair):
    pilot = _pilot(app, pair, "budgeting")
    *stored, item = pipeline_status.checklist(pilot)
    assert [(i.key, i.required) for i in stored] == [("budget_request", True), ("contract", True)]
    assert (item.key, item.done, item.side) == ("adoption_decision", False, MUNICIPALITY)
    pilot.adoption_decision = "来年度予算で本格導入する"
    assert pipeline_status.checklist(pilot)[-1].done


# --- medians and stuck --------------------------------------------------------------------------

def _history(pilot_id: int, stays: list[tuple[str, int]], start) -> None:
    """Events for one made-up pilot: each stage lasts its number of days (the last one stays)."""
    at = start
    for stage, days in stays:
        db.session.add(HistoryEvent(entity_type="pilot", entity_id=pilot_id, to_state=stage,
                                    created_at=at))
        at += timedelta(days=days, hours=1)
    db.session.flush()


def test_stage_medians_count_completed_stays_only(app, ctx):
    start = utcnow() - timedelta(days=400)
    # introduced stays: 2, 4, 10 → median 4; meeting stays: 5, 20 → median 12.5; the last
    # event of each pilot is its current stage and is not counted; other entities are ignored
    _history(9001, [("introduced", 2), ("meeting", 5), ("proposal", 0)], start)
    _history(9002, [("introduced", 4), ("meeting", 20), ("proposal", 300)], start)
    _history(9003, [("introduced", 10), ("meeting", 99)], start)
    db.session.add(HistoryEvent(entity_type="challenge", entity_id=9001, to_state="introduced",
                                created_at=start + timedelta(days=1)))
    db.session.flush()
    medians = pipeline_status.stage_medians()
    assert medians["introduced"] == 4
    assert medians["meeting"] == 12.5
    assert "proposal" not in medians  # nobody has left it yet


def test_stuck_needs_more_than_the_median_and_a_few_days(app, pair):
    pilot = _pilot(app, pair, "meeting")
    now = utcnow()
    pilot.stage_entered_at = now - timedelta(days=45)
    found = pipeline_status.stuck(pilot, {"meeting": 20}, now)
    assert found is not None and (found.days, found.median) == (45, 20)
    assert found.text == "滞留45日（中央値20日）"
    assert pipeline_status.stuck(pilot, {"meeting": 45}, now) is None
    assert pipeline_status.stuck(pilot, {}, now) is None  # no median yet
    pilot.stage_entered_at = now - timedelta(days=5)
    assert pipeline_status.stuck(pilot, {"meeting": 1}, now) is None  # under MIN_STUCK_DAYS


def test_an_ended_pair_is_never_stuck(app, pair):
    pilot = _pilot(app, pair, "withdrawn")
    pilot.stage_entered_at = utcnow() - timedelta(days=300)
    assert pipeline_status.stuck(pilot, {"withdrawn": 1}) is None


def test_the_board_lists_open_pairs_before_ended_ones(app, pair):
    """However long ago a pair ended, it comes after every open one (the board pages in SQL)."""
    records, _challenge = pair
    ended = _pilot(app, (records, factories.challenge(app, records["municipality"])), "withdrawn")
    waiting = _pilot(app, pair, "meeting")
    ended.stage_entered_at = utcnow() - timedelta(days=900)
    db.session.flush()
    manager = db.session.get(User, records["manager"].id)
    order = db.session.scalars(pilots.board_query(manager, pilots.Filters())).unique().all()
    assert [p.id for p in order] == [waiting.id, ended.id]
