"""The commitment at posting: fiscal year, route against the town's limits and certification,
KPIs; the manager's filter; the pair's budget timing and the action list's warnings."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from govtech.extensions import db
from govtech.models import Challenge, Milestone, Pilot, User
from govtech.models.enums import ProcurementRoute
from govtech.services import actions_budget, budget_calendar, challenges, commitment
from govtech.services.actions_items import Actions
from govtech.services.errors import DomainError
from tests import factories

TODAY = date(2026, 12, 2)  # 2026年度
GOOD = {"budget_owner": "  市民課 ", "procurement_route": "proposal",
        "success_criteria": "待ち時間を30%短縮", "success_kpis": ["待ち時間", "満足度"],
        "adoption_fiscal_year": 2027}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(budget_calendar, "today", lambda: TODAY)


@pytest.fixture
def town(app, ctx):
    record = factories.user(app, "municipality")
    return record, db.session.get(User, record.id)


def _challenge(app, record, **values) -> Challenge:
    return db.session.get(Challenge, factories.challenge(app, record, **values))


def test_a_full_commitment_is_stored_and_marked(app, town):
    record, user = town
    challenge = _challenge(app, record, budget_max=500)
    challenges.update(user, challenge, expected_version=challenge.version, **GOOD)
    assert challenge.budget_owner == "市民課"  # stored stripped
    assert challenge.procurement_route == ProcurementRoute.proposal
    assert challenge.success_kpis == ["待ち時間", "満足度"]
    assert challenge.has_commitment


def test_create_checks_the_commitment_too(app, town):
    record, user = town
    with pytest.raises(DomainError) as refused:
        challenges.create(user, title="t", **(GOOD | {"adoption_fiscal_year": 2025}))
    assert refused.value.field == "adoption_fiscal_year"
    created = challenges.create(user, title="t", **GOOD)
    assert created.has_commitment


@pytest.mark.parametrize(("year", "ok"), [(2025, False), (2026, True), (2031, True),
                                          (2032, False), (1999, False)])
def test_fiscal_year_not_past_nor_too_far(app, town, year, ok):
    record, user = town
    challenge = _challenge(app, record)
    values = GOOD | {"adoption_fiscal_year": year}
    if ok:
        challenges.update(user, challenge, expected_version=challenge.version, **values)
        assert challenge.adoption_fiscal_year == year
    else:
        with pytest.raises(DomainError) as refused:
            challenges.update(user, challenge, expected_version=challenge.version, **values)
        assert refused.value.field == "adoption_fiscal_year"
        db.session.refresh(challenge)
        assert challenge.adoption_fiscal_year is None


def test_fiscal_year_of_early_in_the_calendar_year(app, town, monkeypatch):
    """On 15 March 2027 it is still 2026年度: 2026 may be chosen."""
    monkeypatch.setattr(budget_calendar, "today", lambda: date(2027, 3, 15))
    record, user = town
    challenge = _challenge(app, record)
    challenges.update(user, challenge, expected_version=challenge.version,
                      **(GOOD | {"adoption_fiscal_year": 2026}))


def test_an_unchanged_past_year_does_not_block_other_edits(app, town, monkeypatch):
    record, user = town
    challenge = _challenge(app, record)
    challenges.update(user, challenge, expected_version=challenge.version, **GOOD)
    monkeypatch.setattr(budget_calendar, "today", lambda: date(2029, 6, 1))
    challenges.update(user, challenge, expected_version=challenge.version,
                      **(GOOD | {"title": "新しい題"}))
    assert challenge.title == "新しい題"


@pytest.mark.parametrize(("budget_max", "ok"), [(None, True), (100, True), (101, False)])
def test_small_amount_route_within_the_towns_limit(app, town, budget_max, ok):
    record, user = town
    challenge = _challenge(app, record)
    values = GOOD | {"procurement_route": "small_amount", "budget_max": budget_max}
    if ok:
        challenges.update(user, challenge, expected_version=challenge.version, **values)
        return
    with pytest.raises(DomainError) as refused:
        challenges.update(user, challenge, expected_version=challenge.version, **values)
    assert refused.value.field == "procurement_route"
    assert "100万円" in refused.value.message


def test_small_amount_uses_the_towns_own_lower_limit(app, town):
    record, user = town
    org = user.organisation
    budget_calendar.update(user, org, request_month=10, request_day=31, council_start_month=2,
                           council_start_day=20, council_end_month=3, council_end_day=20,
                           limits={"other": 800_000})
    challenge = _challenge(app, record)
    with pytest.raises(DomainError) as refused:
        challenges.update(user, challenge, expected_version=challenge.version,
                          **(GOOD | {"procurement_route": "small_amount", "budget_max": 90}))
    assert "80万円" in refused.value.message
    # a budget change alone is checked against the route already chosen
    challenges.update(user, challenge, expected_version=challenge.version,
                      **(GOOD | {"procurement_route": "small_amount", "budget_max": 80}))
    with pytest.raises(DomainError):
        challenges.update(user, challenge, expected_version=challenge.version, budget_max=81)


def test_certified_route_needs_the_towns_certification(app, town):
    record, user = town
    challenge = _challenge(app, record)
    values = GOOD | {"procurement_route": "certified"}
    with pytest.raises(DomainError) as refused:
        challenges.update(user, challenge, expected_version=challenge.version, **values)
    assert refused.value.field == "procurement_route"
    budget_calendar.update(user, user.organisation, request_month=10, request_day=31,
                           council_start_month=2, council_start_day=20, council_end_month=3,
                           council_end_day=20, certifies_new_business=True)
    challenges.update(user, challenge, expected_version=challenge.version, **values)
    assert challenge.procurement_route == ProcurementRoute.certified


def test_kpis_are_bounded_and_routes_known(app, town):
    record, user = town
    challenge = _challenge(app, record)
    for bad, field in ((["k"] * 11, "success_kpis"), (["x" * 201], "success_kpis")):
        with pytest.raises(DomainError) as refused:
            challenges.update(user, challenge, expected_version=challenge.version,
                              **(GOOD | {"success_kpis": bad}))
        assert refused.value.field == field
    with pytest.raises(DomainError) as refused:
        challenges.update(user, challenge, expected_version=challenge.version,
                          **(GOOD | {"procurement_route": "bribery"}))
    assert refused.value.field == "procurement_route"


def test_kpi_names_one_per_line():
    assert commitment.kpi_names(" 待ち時間 \n\n満足度\n待ち時間\r\n") == ["待ち時間", "満足度"]


def test_new_pilots_start_with_the_committed_kpis(app, town):
    record, user = town
    challenge = _challenge(app, record)
    challenges.update(user, challenge, expected_version=challenge.version, **GOOD)
    firm = factories.user(app, "startup")
    pilot = db.session.get(Pilot, factories.pilot(app, record, challenge.id, firm.org_id))
    assert [k.name for k in pilot.kpis] == ["待ち時間", "満足度"]


def test_the_list_filters_on_the_commitment(app, town):
    record, user = town
    made = _challenge(app, record)
    challenges.update(user, made, expected_version=made.version, **GOOD)
    missing = _challenge(app, record)
    manager = db.session.get(User, factories.user(app, "manager").id)

    def ids(which):
        query = challenges.list_query(manager, challenges.Filters(commitment=which))
        return {c.id for c in db.session.scalars(query)}

    assert ids("made") == {made.id}
    assert ids("missing") == {missing.id}
    assert ids("") == {made.id, missing.id}


# --- the pair's timing and the action list -------------------------------------------------

def _pair(app, record, stage="pilot", pilot_end=None, year=None, milestone_in=None) -> Pilot:
    challenge = _challenge(app, record, pilot_end=pilot_end)
    if year is not None:
        user = db.session.get(User, record.id)
        challenges.update(user, challenge, expected_version=challenge.version,
                          **(GOOD | {"adoption_fiscal_year": year}))
    firm = factories.user(app, "startup")
    pilot_id = factories.pilot(app, record, challenge.id, firm.org_id, stage=stage)
    if milestone_in is not None:
        db.session.add(Milestone(pilot_id=pilot_id, title="m",
                                 due_date=TODAY + timedelta(days=milestone_in)))
        db.session.commit()
    return db.session.get(Pilot, pilot_id)


def test_timing_of_a_pair(app, town):
    record, user = town
    calendar = budget_calendar.for_town(user.organisation)
    pilot = _pair(app, record, pilot_end=date(2027, 9, 30), year=2028)
    timing = commitment.timing(pilot, calendar)
    assert timing.next_deadline == date(2027, 10, 31)
    assert timing.funding_deadline == date(2027, 10, 31)  # 2028年度 is requested in autumn 2027
    assert timing.council == (date(2028, 2, 20), date(2028, 3, 20))
    assert not timing.misses and timing.planned
    late = _pair(app, record, pilot_end=date(2027, 9, 30), year=2028, milestone_in=400)
    assert commitment.timing(late, calendar).misses  # an open milestone after the deadline
    gone = _pair(app, record, year=2027)  # requested on 31 October 2026: passed
    assert commitment.timing(gone, calendar).passed


def test_timing_without_a_year_assumes_the_next_request(app, town):
    record, user = town
    pilot = _pair(app, record)
    timing = commitment.timing(pilot, budget_calendar.for_town(user.organisation))
    assert (timing.fiscal_year, timing.planned, timing.evaluation_end) == (2028, False, None)
    assert not timing.misses


def test_action_list_warns_the_town_of_a_missed_request(app, town, monkeypatch):
    record, user = town
    missed = _pair(app, record, pilot_end=date(2027, 12, 1), year=2028)
    fine = _pair(app, record, pilot_end=date(2027, 6, 1), year=2028)
    _pair(app, record, stage="meeting", pilot_end=date(2027, 12, 1), year=2028)  # too early
    by_milestone = _pair(app, record, stage="evaluation", pilot_end=date(2027, 6, 1), year=2028,
                         milestone_in=400)  # its last open milestone is after the deadline
    found = Actions()
    actions_budget.add(user, "municipality", found)
    assert {(a.kind, a.pair) for a in found.mine} == {("budget_missed", missed.id),
                                                      ("budget_missed", by_milestone.id)}
    assert found.mine[0].url.endswith(f"/pilots/{missed.id}#budget-dates")
    # within 30 days of the request deadline, every pair before budgeting is reminded
    monkeypatch.setattr(budget_calendar, "today", lambda: date(2027, 10, 10))
    found = Actions()
    actions_budget.add(user, "municipality", found)
    assert {(a.kind, a.pair) for a in found.mine} == {("budget_missed", missed.id),
                                                      ("budget_missed", by_milestone.id),
                                                      ("budget_request_soon", fine.id)}
    # the startup and other towns see none of it
    firm = db.session.get(User, factories.user(app, "startup").id)
    found = Actions()
    actions_budget.add(firm, "startup", found)
    assert found.mine == []
    other = db.session.get(User, factories.user(app, "municipality").id)
    actions_budget.add(other, "municipality", found)
    assert found.mine == []

