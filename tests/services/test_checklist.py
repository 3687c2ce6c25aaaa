"""The checklist's stored records, waivers, undos and due dates, and the gate on moves
(services.checklist, services.pilots.move)."""
from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from govtech.extensions import db
from govtech.models import HistoryEvent, Organisation, OrgState, Pilot, User
from govtech.services import agreement_doc, checklist, pilots, pipeline_status
from govtech.services.errors import DomainError, PermissionDenied
from tests import factories


@pytest.fixture
def pair(app):
    users = {"municipality": factories.user(app, "municipality"),
             "startup": factories.user(app, "startup"),
             "manager": factories.user(app, "manager")}
    return users, factories.challenge(app, users["municipality"], title="河川水位の見える化")


def _pilot(app, pair, stage) -> Pilot:
    users, cid = pair
    pid = factories.pilot(app, users["manager"], cid, users["startup"].org_id, stage=stage,
                          report=stage == "evaluation")
    return db.session.get(Pilot, pid)


def _user(pair, role) -> User:
    return db.session.get(User, pair[0][role].id)


def _item(pilot, key):
    return next(i for i in pipeline_status.checklist(pilot) if i.key == key)


def _move(actor, pilot, target):
    return pilots.move(actor, pilot, target, expected_version=pilot.version,
                       reason="budget" if target == "not_adopted" else None)


# --- the gate ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("stage", "target", "key", "values"), [
    ("meeting", "proposal", "meeting_notes", {"body": "議事メモ"}),
    ("selected", "agreement", "agreement", {"recorded_on": date(2026, 5, 1), "body": "R7-12"}),
    ("agreement", "pilot", "pilot_plan", {"body": "実証計画"}),
])
def test_a_forward_move_waits_for_the_stages_record(app, ctx, pair, stage, target, key,
                                                    values):
    pilot = _pilot(app, pair, stage)
    town = _user(pair, "municipality")
    with pytest.raises(DomainError) as refused:
        _move(town, pilot, target)
    assert str(_item(pilot, key).text) in refused.value.message
    assert pilot.stage == stage
    checklist.record(town, pilot, key, **values)
    _move(town, pilot, target)
    assert pilot.stage == target


def test_budgeting_needs_the_request_and_the_contract_to_adopt(app, ctx, pair):
    pilot = _pilot(app, pair, "budgeting")
    town = _user(pair, "municipality")
    with pytest.raises(DomainError, match="予算要求.*契約"):
        _move(town, pilot, "adopted")
    checklist.record(town, pilot, "budget_request", amount=4_800_000,
                     recorded_on=date(2026, 10, 20))
    with pytest.raises(DomainError, match="契約") as refused:
        _move(town, pilot, "adopted")
    assert "予算要求" not in refused.value.message
    checklist.record(town, pilot, "contract", amount=4_620_000, recorded_on=date(2027, 4, 1))
    _move(town, pilot, "adopted")
    assert pilot.stage == "adopted"


@pytest.mark.parametrize("target", ["not_adopted", "withdrawn"])
@pytest.mark.parametrize("stage", ["meeting", "selected", "agreement", "budgeting"])
def test_ending_a_pair_is_never_blocked(app, ctx, pair, stage, target):
    pilot = _pilot(app, pair, stage)
    _move(_user(pair, "municipality"), pilot, target)
    assert pilot.stage == target


def test_a_waiver_with_its_reason_lets_the_pair_move_on(app, ctx, pair):
    pilot = _pilot(app, pair, "agreement")
    startup = _user(pair, "startup")
    with pytest.raises(DomainError, match="理由") as refused:
        checklist.waive(startup, pilot, "pilot_plan", "  ")
    assert refused.value.field == "reason"
    checklist.waive(startup, pilot, "pilot_plan", "協定書の別紙に含めたため")
    item = _item(pilot, "pilot_plan")
    assert item.done and item.waived and item.entry.reason == "協定書の別紙に含めたため"
    _move(startup, pilot, "pilot")
    assert pilot.stage == "pilot"


def test_the_results_report_can_be_waived_with_a_reason(app, ctx, pair):
    users, cid = pair
    pid = factories.pilot(app, users["manager"], cid, users["startup"].org_id, stage="evaluation")
    pilot = db.session.get(Pilot, pid)
    manager = _user(pair, "manager")
    with pytest.raises(DomainError) as refused:
        _move(manager, pilot, "budgeting")
    assert refused.value.field == "verified"
    checklist.waive(manager, pilot, "results_report", "評価報告書を別途議会に提出済み")
    _move(manager, pilot, "budgeting")
    assert pilot.stage == "budgeting"


# --- records, undo, due dates, history --------------------------------------------------------

def test_record_then_undo_keeps_the_text_and_the_history(app, ctx, pair):
    pilot = _pilot(app, pair, "meeting")
    startup = _user(pair, "startup")
    checklist.record(startup, pilot, "meeting_notes", body="  議事メモ  ")
    item = _item(pilot, "meeting_notes")
    assert item.done and item.recorded and item.entry.body == "議事メモ"
    checklist.reopen(startup, pilot, "meeting_notes")
    item = _item(pilot, "meeting_notes")
    assert not item.done and item.entry.body == "議事メモ"
    with pytest.raises(DomainError, match="取り消す"):
        checklist.reopen(startup, pilot, "meeting_notes")
    events = checklist.events(pilot)
    assert [(e.from_state, e.to_state, e.note) for e in events] == [
        ("meeting_notes", "recorded", "議事メモ"), ("meeting_notes", "reopened", "")]
    assert all(e.actor_id == startup.id for e in events)
    assert not db.session.query(HistoryEvent).filter_by(  # the stage timeline is untouched
        entity_type="pilot", entity_id=pilot.id, to_state="recorded").count()


@pytest.mark.parametrize(("key", "stage", "values", "field"), [
    ("meeting_notes", "meeting", {"body": " "}, "body"),
    ("agreement", "selected", {"body": "R7-12"}, "recorded_on"),
    ("budget_request", "budgeting", {"recorded_on": date(2026, 10, 1)}, "amount"),
    ("budget_request", "budgeting", {"recorded_on": date(2026, 10, 1), "amount": -1}, "amount"),
    ("contract", "budgeting", {"amount": 100}, "recorded_on"),
])
def test_a_record_without_what_it_needs_is_refused(app, ctx, pair, key, stage, values, field):
    pilot = _pilot(app, pair, stage)
    with pytest.raises(DomainError) as refused:
        checklist.record(_user(pair, "municipality"), pilot, key, **values)
    assert refused.value.field == field
    assert _item(pilot, key).entry is None


def test_due_date_set_overrides_the_milestones_and_shows_in_the_next_step(app, ctx, pair):
    pilot = _pilot(app, pair, "selected")
    town = _user(pair, "municipality")
    checklist.set_due(town, pilot, "agreement", date(2027, 2, 1))
    assert _item(pilot, "agreement").due == date(2027, 2, 1)
    assert pipeline_status.next_step(pilot).due == date(2027, 2, 1)


def test_only_items_of_the_current_stage_and_stored_ones_are_recorded(app, ctx, pair):
    pilot = _pilot(app, pair, "meeting")
    manager = _user(pair, "manager")
    with pytest.raises(DomainError, match="現在の段階"):
        checklist.record(manager, pilot, "contract", amount=1, recorded_on=date(2026, 1, 1))
    with pytest.raises(DomainError, match="自動"):
        checklist.record(manager, pilot, "first_meeting_held")
    with pytest.raises(DomainError, match="必須"):
        checklist.waive(manager, pilot, "first_meeting_held", "理由")


# --- who may --------------------------------------------------------------------------------------

def test_a_startup_cannot_record_the_towns_items_and_outsiders_nothing(app, ctx, pair):
    pilot = _pilot(app, pair, "budgeting")
    with pytest.raises(PermissionDenied):
        checklist.record(_user(pair, "startup"), pilot, "budget_request", amount=1,
                         recorded_on=date(2026, 1, 1))
    with pytest.raises(PermissionDenied):
        checklist.waive(_user(pair, "startup"), pilot, "contract", "理由")
    other = db.session.get(User, factories.user(app, "municipality").id)
    with pytest.raises(PermissionDenied):
        checklist.waive(other, pilot, "contract", "理由")
    assert checklist.changeable(_user(pair, "startup"), pilot) == set()
    assert checklist.changeable(_user(pair, "municipality"), pilot) == {
        "budget_request", "contract", "adoption_decision"}


def test_a_frozen_or_ended_pair_cannot_change(app, ctx, pair):
    pilot = _pilot(app, pair, "meeting")
    manager = _user(pair, "manager")
    db.session.get(Organisation, pair[0]["startup"].org_id).state = OrgState.suspended
    db.session.commit()
    with pytest.raises(DomainError):
        checklist.record(manager, pilot, "meeting_notes", body="メモ")
    assert checklist.changeable(manager, pilot) == set()
    db.session.get(Organisation, pair[0]["startup"].org_id).state = OrgState.approved
    db.session.commit()
    _move(manager, pilot, "withdrawn")
    with pytest.raises(DomainError, match="終了"):
        checklist.record(manager, pilot, "meeting_notes", body="メモ")
    assert pipeline_status.checklist(pilot) == []


# --- the 協定書 draft ---

def test_the_agreement_draft_names_the_parties_the_kpis_and_the_clauses(app, ctx, pair):
    pilot = _pilot(app, pair, "selected")
    factories.kpi(app, pair[0]["manager"], pilot.id)
    db.session.refresh(pilot)
    data, name = agreement_doc.draft(pilot)
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    tables = Document(io.BytesIO(data)).tables
    assert name.endswith(".docx") and "協定書" in name
    assert "実証実験に関する協定書" in text and "河川水位の見える化" in text
    assert pilot.challenge.organisation.name in text and pilot.startup.name in text
    for clause in ("秘密保持", "個人情報", "知的財産権", "費用負担", "協議"):
        assert clause in text
    assert tables and tables[0].rows[1].cells[0].text.startswith("避難情報の到達率")
