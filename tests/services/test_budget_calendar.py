"""A town's budget calendar: defaults, 別表第五 ceilings by kind of town, next deadlines, the
rules of a save (days, limits within the national ceiling), history, and who may change it."""
from __future__ import annotations

from datetime import date

import pytest

from govtech.extensions import db
from govtech.models import Organisation, User
from govtech.models.procurement import BudgetCalendar
from govtech.services import budget_calendar, history
from govtech.services.errors import ConcurrentChange, DomainError, NotFound, PermissionDenied
from tests import factories

VALID = {"request_month": 10, "request_day": 15, "council_start_month": 2,
         "council_start_day": 25, "council_end_month": 3, "council_end_day": 18,
         "other_sessions": [12, 6, 9, 6], "certifies_new_business": True,
         "limits": {"other": 800_000, "purchase": None}}


@pytest.fixture
def town(app, ctx):
    record = factories.user(app, "municipality")
    user = db.session.get(User, record.id)
    return user, db.session.get(Organisation, record.org_id)


def test_defaults_apply_until_the_town_saves(town):
    _user, org = town
    calendar = budget_calendar.for_town(org)
    assert not calendar.stored
    assert (calendar.request_month, calendar.request_day) == (10, 31)
    assert calendar.council(2027) == (date(2027, 2, 20), date(2027, 3, 20))
    assert calendar.other_sessions == [6, 9, 12]
    assert calendar.limit("other") == 1_000_000 and calendar.limit("construction") == 2_000_000
    assert [row[0] for row in calendar.rows()] == list(budget_calendar.CATEGORIES)
    assert not calendar.certifies_new_business


@pytest.mark.parametrize(("code", "large"), [
    (None, False), ("052108", False),  # 由利本荘市: a city
    ("180009", True),  # 福井県: a prefecture has no municipal part
    ("111007", True), ("141305", True),  # さいたま市, 川崎市: 指定都市
])
def test_ceilings_follow_the_kind_of_town(town, code, large):
    _user, org = town
    org.lg_code = code
    assert budget_calendar.is_large(org) is large
    expected = budget_calendar.PREFECTURAL_CEILINGS if large else budget_calendar.MUNICIPAL_CEILINGS
    assert budget_calendar.ceilings(org) == expected
    assert budget_calendar.ceilings(org)["other"] == (2_000_000 if large else 1_000_000)


def test_national_ceilings_of_2025():
    assert budget_calendar.MUNICIPAL_CEILINGS == {
        "construction": 2_000_000, "purchase": 1_500_000, "lease": 800_000, "sale": 500_000,
        "rental_out": 300_000, "other": 1_000_000}
    assert budget_calendar.PREFECTURAL_CEILINGS == {
        "construction": 4_000_000, "purchase": 3_000_000, "lease": 1_500_000,
        "sale": 1_000_000, "rental_out": 500_000, "other": 2_000_000}
    assert date(2025, 4, 1) == budget_calendar.CEILINGS_EFFECTIVE


def test_next_request_deadline_rolls_over_to_next_year(town):
    _user, org = town
    assert budget_calendar.next_request_deadline(org, date(2026, 9, 1)) == date(2026, 10, 31)
    assert budget_calendar.next_request_deadline(org, date(2026, 10, 31)) == date(2026, 10, 31)
    assert budget_calendar.next_request_deadline(org, date(2026, 11, 1)) == date(2027, 10, 31)


def test_fiscal_year_starts_in_april():
    assert budget_calendar.fiscal_year_of(date(2026, 3, 31)) == 2025
    assert budget_calendar.fiscal_year_of(date(2026, 4, 1)) == 2026


def test_update_creates_the_row_with_history(town):
    user, org = town
    budget_calendar.update(user, org, **VALID)
    row = db.session.get(BudgetCalendar, org.id)
    assert (row.request_month, row.request_day) == (10, 15)
    assert row.other_sessions == [6, 9, 12]
    assert row.limits == {"other": 800_000}  # an empty limit means the national ceiling
    assert row.certifies_new_business
    calendar = budget_calendar.for_town(org)
    assert calendar.stored and calendar.limit("other") == 800_000
    assert calendar.limit("purchase") == 1_500_000
    assert budget_calendar.next_request_deadline(org, date(2026, 10, 20)) == date(2027, 10, 15)
    events = history.timeline(budget_calendar.HISTORY, org.id)
    assert len(events) == 1 and events[0].actor_id == user.id
    budget_calendar.update(user, org, expected_version=row.version, **VALID)
    assert len(history.timeline(budget_calendar.HISTORY, org.id)) == 2


def test_a_stale_version_is_refused(town):
    user, org = town
    budget_calendar.update(user, org, **VALID)
    with pytest.raises(ConcurrentChange):
        budget_calendar.update(user, org, expected_version=99, **VALID)


@pytest.mark.parametrize(("change", "field"), [
    ({"request_month": 13}, "request_month"),
    ({"request_month": 0}, "request_month"),
    ({"request_day": 32}, "request_month"),
    ({"council_start_month": 2, "council_start_day": 30}, "council_start_month"),
    ({"council_end_month": 4, "council_end_day": 31}, "council_end_month"),
    ({"council_end_day": None}, "council_end_month"),
    ({"other_sessions": [6, 13]}, "other_sessions"),
    ({"limits": {"other": -1}}, "limit_other"),
    ({"limits": {"other": 1_000_001}}, "limit_other"),
    ({"limits": {"construction": 2_500_000}}, "limit_construction"),
    ({"limits": {"bribes": 5}}, "limits"),
])
def test_invalid_values_are_refused_and_nothing_is_stored(town, change, field):
    user, org = town
    with pytest.raises(DomainError) as refused:
        budget_calendar.update(user, org, **(VALID | change))
    assert refused.value.field == field
    assert db.session.get(BudgetCalendar, org.id) is None


def test_the_limit_message_names_the_ceiling_in_yen(town):
    user, org = town
    with pytest.raises(DomainError) as refused:
        budget_calendar.update(user, org, **(VALID | {"limits": {"other": 1_200_000}}))
    assert "100万円" in refused.value.message


def test_a_prefecture_may_set_up_to_its_higher_ceiling(town):
    user, org = town
    org.lg_code = "180009"
    budget_calendar.update(user, org, **(VALID | {"limits": {"other": 2_000_000}}))
    assert budget_calendar.for_town(org).limit("other") == 2_000_000


def test_29_february_is_a_valid_deadline_and_falls_back_in_common_years(town):
    user, org = town
    budget_calendar.update(user, org, **(VALID | {"request_month": 2, "request_day": 29}))
    assert budget_calendar.for_town(org).request_deadline(2027) == date(2027, 2, 28)


def test_only_the_town_and_managers_may_change_it(app, town):
    user, org = town
    other = db.session.get(User, factories.user(app, "municipality").id)
    firm = db.session.get(User, factories.user(app, "startup").id)
    manager = db.session.get(User, factories.user(app, "manager").id)
    for outsider in (other, firm, None):
        with pytest.raises(PermissionDenied):
            budget_calendar.update(outsider, org, **VALID)
    budget_calendar.update(manager, org, **VALID)
    assert budget_calendar.for_town(org).stored


def test_get_town(app, town):
    user, org = town
    assert budget_calendar.get_town(user, None) is org
    firm = db.session.get(User, factories.user(app, "startup").id)
    with pytest.raises(NotFound):  # a startup is no town
        budget_calendar.get_town(firm, firm.organisation_id)
    with pytest.raises(NotFound):
        budget_calendar.get_town(user, 999_999)
    with pytest.raises(PermissionDenied):
        budget_calendar.get_town(db.session.get(User, factories.user(app, "municipality").id),
                                 org.id)
