"""Marketing rules: the state table per role, three separate approvals, send-back with a comment,
edits clearing approvals, publishing, versions, the lists and calendar, public case studies."""
from __future__ import annotations

import itertools
from datetime import date

import pytest
from sqlalchemy import select

from govtech.extensions import db
from govtech.models import HistoryEvent, MarketingActivity, Pilot, User
from govtech.services import cases, history, kpis, marketing, marketing_lists, pilots
from govtech.services.errors import (
    ConcurrentChange,
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from tests import factories

SIDES = ["municipality", "startup", "manager"]


@pytest.fixture
def pair(app, ctx):
    """Both parties, a manager, outsiders, and the pair's pilot (adopted)."""
    records = {"municipality": factories.user(app, "municipality"),
               "startup": factories.user(app, "startup"),
               "manager": factories.user(app, "manager"),
               "other_startup": factories.user(app, "startup"),
               "other_municipality": factories.user(app, "municipality")}
    challenge_id = factories.challenge(app, records["municipality"])
    pilot_id = factories.pilot(app, records["manager"], challenge_id, records["startup"].org_id,
                               stage="adopted")
    factories.kpi(app, records["manager"], pilot_id, actual=86.0)
    return records, pilot_id


def _activity(app, pair, state="planned", **values) -> MarketingActivity:
    records, pilot_id = pair
    aid = factories.marketing(app, pilot_id, records["municipality"], records["startup"],
                              records["manager"], state=state, **values)
    return db.session.get(MarketingActivity, aid)


def _user(pair, who) -> User:
    return db.session.get(User, pair[0][who].id)


def _events(activity):
    return db.session.scalars(history.events_for("marketing", activity.id)).all()


def test_a_new_activity_is_planned_with_its_history_event(app, pair):
    activity = _activity(app, pair)
    assert activity.state == "planned" and activity.approval_count == 0
    assert [(e.from_state, e.to_state) for e in _events(activity)] == [(None, "planned")]


@pytest.mark.parametrize("who", ["other_startup", "other_municipality"])
def test_outsiders_can_neither_see_nor_plan_nor_change(app, pair, who):
    activity = _activity(app, pair, "in_review")
    outsider = _user(pair, who)
    with pytest.raises(NotFound):
        marketing.get_visible(outsider, activity.id)
    with pytest.raises(PermissionDenied):
        marketing.create(outsider, db.session.get(Pilot, pair[1]), kind="article", title="x")
    with pytest.raises(PermissionDenied):
        marketing.approve(outsider, activity)
    with pytest.raises(PermissionDenied):
        marketing.transition(outsider, activity, "cancelled")
    with pytest.raises(PermissionDenied):
        marketing.update(outsider, activity, None, title="乗っ取り")
    assert marketing.allowed_targets(outsider, activity) == []
    assert not marketing.may_approve(outsider, activity)


@pytest.mark.parametrize("who", SIDES)
@pytest.mark.parametrize("start,target", [("planned", "drafting"), ("drafting", "in_review"),
                                          ("approved", "published"), ("planned", "cancelled"),
                                          ("drafting", "cancelled"), ("in_review", "cancelled"),
                                          ("approved", "cancelled")])
def test_each_side_may_make_every_move(app, pair, who, start, target):
    """Either party or a manager moves an activity forward, publishes or cancels it."""
    activity = _activity(app, pair, start)
    actor = _user(pair, who)
    assert target in marketing.allowed_targets(actor, activity)
    marketing.transition(actor, activity, target, expected_version=activity.version)
    assert activity.state == target
    assert _events(activity)[-1].actor_id == actor.id


@pytest.mark.parametrize("start,target", [
    ("planned", "in_review"), ("planned", "published"), ("drafting", "published"),
    ("drafting", "approved"), ("in_review", "published"), ("published", "cancelled"),
    ("published", "drafting"), ("cancelled", "drafting"), ("cancelled", "published")])
def test_moves_outside_the_table_are_refused(app, pair, start, target):
    activity = _activity(app, pair, start)
    with pytest.raises(InvalidTransition):
        marketing.transition(_user(pair, "manager"), activity, target)
    assert activity.state == start


def test_nobody_approves_by_moving_the_state(app, pair):
    """`approved` comes only from the three approvals, never from a move."""
    activity = _activity(app, pair, "in_review")
    for who in SIDES:
        assert "approved" not in marketing.allowed_targets(_user(pair, who), activity)
        with pytest.raises(DomainError):
            marketing.transition(_user(pair, who), activity, "approved")
    assert activity.state == "in_review"


@pytest.mark.parametrize("order", list(itertools.permutations(SIDES)))
def test_approved_only_after_all_three_approvals(app, pair, order):
    """In any order, the third approval moves the activity to approved, with its history."""
    activity = _activity(app, pair, "in_review")
    for count, who in enumerate(order, 1):
        actor = _user(pair, who)
        marketing.approve(actor, activity, expected_version=activity.version)
        assert activity.approval(who) == (actor, activity.approval(who)[1])
        assert activity.approval(who)[1] is not None
        assert activity.state == ("approved" if count == 3 else "in_review")
        assert marketing.missing_sides(activity) == [s for s in SIDES if s not in order[:count]]
    last = _events(activity)[-1]
    assert (last.from_state, last.to_state, last.actor_id) == (
        "in_review", "approved", _user(pair, order[-1]).id)


def test_a_side_approves_once_and_a_colleague_counts_as_the_same_side(app, pair):
    activity = _activity(app, pair, "in_review")
    marketing.approve(_user(pair, "municipality"), activity)
    colleague = factories.user(app, "municipality", org_id=pair[0]["municipality"].org_id)
    for actor in (_user(pair, "municipality"), db.session.get(User, colleague.id)):
        assert not marketing.may_approve(actor, activity)
        with pytest.raises(DomainError):
            marketing.approve(actor, activity)
    assert activity.approval_count == 1


@pytest.mark.parametrize("state", ["planned", "drafting", "approved", "published", "cancelled"])
def test_only_an_activity_in_review_can_be_approved(app, pair, state):
    activity = _activity(app, pair, state)
    with pytest.raises(DomainError):
        marketing.approve(_user(pair, "startup"), activity)


@pytest.mark.parametrize("who", SIDES)
def test_sending_back_needs_a_comment_and_clears_approvals(app, pair, who):
    activity = _activity(app, pair, "in_review")
    marketing.approve(_user(pair, "manager"), activity)
    for note in ("", "   "):
        with pytest.raises(DomainError) as error:
            marketing.transition(_user(pair, who), activity, "drafting", note)
        assert error.value.field == "note"
    marketing.transition(_user(pair, who), activity, "drafting", "数値の出典を書いてください")
    assert activity.state == "drafting" and activity.approval_count == 0
    assert _events(activity)[-1].note == "数値の出典を書いてください"


def test_asking_for_review_needs_a_text(app, pair):
    activity = _activity(app, pair, "drafting", body="")
    with pytest.raises(DomainError) as error:
        marketing.transition(_user(pair, "startup"), activity, "in_review")
    assert error.value.field == "body" and activity.state == "drafting"


def test_editing_the_text_clears_approvals_but_a_new_date_does_not(app, pair):
    activity = _activity(app, pair, "in_review")
    marketing.approve(_user(pair, "municipality"), activity)
    marketing.approve(_user(pair, "startup"), activity)
    marketing.update(_user(pair, "manager"), activity, activity.version,
                     planned_date=date(2026, 12, 10))
    assert activity.approval_count == 2
    marketing.update(_user(pair, "startup"), activity, activity.version, body="新しい本文")
    assert activity.approval_count == 0 and activity.state == "in_review"


def test_editing_an_approved_activity_sends_it_back_to_review(app, pair):
    activity = _activity(app, pair, "approved")
    marketing.update(_user(pair, "municipality"), activity, activity.version, title="新しい題")
    assert activity.state == "in_review" and activity.approval_count == 0
    last = _events(activity)[-1]
    assert (last.from_state, last.to_state) == ("approved", "in_review") and last.note


@pytest.mark.parametrize("state", ["published", "cancelled"])
def test_final_activities_cannot_be_edited(app, pair, state):
    activity = _activity(app, pair, state)
    with pytest.raises(DomainError):
        marketing.update(_user(pair, "manager"), activity, activity.version, title="x")


def test_publishing_sets_published_at(app, pair):
    activity = _activity(app, pair, "approved")
    assert activity.published_at is None
    marketing.transition(_user(pair, "startup"), activity, "published")
    assert activity.state == "published" and activity.published_at is not None


def test_a_stale_version_is_refused(app, pair):
    activity = _activity(app, pair, "drafting")
    seen = activity.version
    marketing.update(_user(pair, "startup"), activity, seen, body="最新の本文")
    with pytest.raises(ConcurrentChange):
        marketing.update(_user(pair, "municipality"), activity, seen, body="古い本文")
    with pytest.raises(ConcurrentChange):
        marketing.transition(_user(pair, "municipality"), activity, "in_review",
                             expected_version=seen)
    assert activity.body == "最新の本文" and activity.state == "drafting"


def test_title_and_kind_are_required(app, pair):
    pilot = db.session.get(Pilot, pair[1])
    with pytest.raises(DomainError) as error:
        marketing.create(_user(pair, "startup"), pilot, kind="article", title=" ")
    assert error.value.field == "title"
    with pytest.raises(DomainError) as error:
        marketing.create(_user(pair, "startup"), pilot, kind="poster", title="題")
    assert error.value.field == "kind"


def test_lists_show_own_pairs_and_managers_see_all(app, pair):
    activity = _activity(app, pair, title="防災の共同プレスリリース", kind="press_release")
    mine = marketing_lists.Filters()
    for who, expected in (("municipality", [activity.id]), ("startup", [activity.id]),
                          ("manager", [activity.id]), ("other_startup", [])):
        ids = db.session.scalars(marketing_lists.list_query(_user(pair, who), mine)).all()
        assert [a.id for a in ids] == expected, who
    manager = _user(pair, "manager")
    for filters, found in ((marketing_lists.Filters(kind="press_release"), True),
                           (marketing_lists.Filters(kind="webinar_event"), False),
                           (marketing_lists.Filters(state="planned"), True),
                           (marketing_lists.Filters(state="published"), False),
                           (marketing_lists.Filters(q="プレスリリース"), True),
                           (marketing_lists.Filters(q="子育て"), False)):
        assert bool(db.session.scalars(marketing_lists.list_query(manager, filters)).all()) == found


def test_calendar_finds_what_is_planned_in_the_month(app, pair):
    """The calendar's query: the month's planned activities of one's own pairs, not cancelled
    ones; the page lays them out (tests/views/test_marketing_views.py)."""
    planned = _activity(app, pair, planned_date=date(2026, 12, 17), title="ウェビナー")
    _activity(app, pair, "cancelled", planned_date=date(2026, 12, 17), title="中止したもの")
    _activity(app, pair, planned_date=date(2027, 1, 5), title="翌月")
    first, last = date(2026, 12, 1), date(2027, 1, 1)
    assert [a.id for a in marketing_lists.planned_between(_user(pair, "startup"), first, last)] == [
        planned.id]
    assert marketing_lists.planned_between(_user(pair, "other_startup"), first, last) == []


def test_public_sees_only_published_public_case_studies(app, pair):
    shown = _activity(app, pair, "published")
    hidden = [_activity(app, pair, "published", is_public=False),
              _activity(app, pair, "published", kind="press_release"),
              _activity(app, pair, "approved")]
    assert [a.id for a in db.session.scalars(cases.list_query())] == [shown.id]
    assert cases.count() == 1 and cases.get_public(shown.id) == shown
    for activity in hidden:
        with pytest.raises(NotFound):
            cases.get_public(activity.id)


def test_each_activity_has_its_own_timeline(app, pair):
    """Each activity has its own timeline (entity type `marketing`)."""
    first, second = _activity(app, pair, "drafting"), _activity(app, pair)
    assert len(_events(first)) == 2 and len(_events(second)) == 1
    assert db.session.scalar(select(HistoryEvent.entity_type).where(
        HistoryEvent.entity_id == first.id, HistoryEvent.to_state == "drafting")) == "marketing"


def _notified(kind: str) -> set[int]:
    from govtech.models import Notification

    return set(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


def test_review_request_tells_the_sides_still_to_approve(app, pair):
    """Entering review asks all three sides; back in review after an edit, all three again."""
    from govtech.models import Notification

    activity = _activity(app, pair, "approved")
    ids = {pair[0][who].id for who in SIDES}
    assert ids <= _notified("marketing_review")
    assert pair[0]["other_startup"].id not in _notified("marketing_review")
    db.session.execute(Notification.__table__.delete())
    marketing.update(_user(pair, "startup"), activity, activity.version, body="書き直した")
    assert ids <= _notified("marketing_review")


def test_approval_and_publication_tell_the_pair(app, pair):
    activity = _activity(app, pair, "approved")  # the manager gave the last approval
    assert {pair[0]["municipality"].id, pair[0]["startup"].id} <= _notified("marketing_update")
    marketing.transition(_user(pair, "startup"), activity, "published")
    from govtech.models import Notification

    states = db.session.scalars(select(Notification.params).where(
        Notification.kind == "marketing_update",
        Notification.user_id == pair[0]["municipality"].id).order_by(Notification.id)).all()
    assert [p["state"] for p in states] == ["approved", "published"]


# --- issue 11: a case study publishes the KPI figures the three sides approved ------------------

def _kpi(pair):
    return db.session.get(Pilot, pair[1]).kpis[0]


def _figures(activity) -> list[tuple]:
    return [(k["name"], k["baseline"], k["target"], k["actual"])
            for k in activity.kpi_snapshot or []]


def _approve_all(pair, activity) -> None:
    for who in SIDES:
        marketing.approve(_user(pair, who), activity)


def test_the_third_approval_takes_the_snapshot_the_public_page_keeps(app, pair):
    case = _activity(app, pair, "published")
    assert _figures(case) == [("避難情報の到達率", 40.0, 80.0, 86.0)]
    assert case.kpi_snapshot[0]["unit"] == "%" and case.kpi_snapshot_at is not None
    pilots.update_kpi(_user(pair, "startup"), _kpi(pair), actual=99.0)
    public = cases.get_public(case.id)
    assert _figures(public) == [("避難情報の到達率", 40.0, 80.0, 86.0)]
    assert public.figures_changed and not public.figures_in_review


def test_a_case_study_approved_in_parts_gets_no_snapshot_until_the_third(app, pair):
    case = _activity(app, pair, "in_review")
    marketing.approve(_user(pair, "municipality"), case)
    marketing.approve(_user(pair, "startup"), case)
    assert case.kpi_snapshot is None
    marketing.approve(_user(pair, "manager"), case)
    assert case.state == "approved" and _figures(case)[0][3] == 86.0
    assert _activity(app, pair, "approved", kind="press_release").kpi_snapshot is None


def test_kpi_changes_are_kept_in_history_with_old_and_new_values(app, pair):
    town = _user(pair, "municipality")
    pilot = db.session.get(Pilot, pair[1])
    added = pilots.add_kpi(town, pilot, name="問い合わせ件数", unit="件", baseline=120.0,
                           target=60.0, actual=None)
    pilots.update_kpi(town, added, name="問い合わせ件数", unit="件", baseline=120.0,
                      target=60.0, actual=75.0)
    pilots.update_kpi(town, added, actual=75.0)  # nothing changed: nothing recorded
    events = kpis.timeline(town, pilot)
    mine = [e for e in events if e.entity_id == added.id]
    assert [(e.entity_type, e.to_state, e.actor_id) for e in mine] == [
        ("kpi", "added", town.id), ("kpi", "changed", town.id)]
    assert "120" in mine[0].note and "問い合わせ件数" in mine[0].note
    assert mine[1].note == "実績: — → 75"
    assert [e.entity_id for e in events if e.to_state == "added"] == [_kpi(pair).id, added.id]
    with pytest.raises(NotFound):
        kpis.timeline(_user(pair, "other_startup"), pilot)


def test_refreshing_an_approved_case_study_sends_it_back_and_reapproval_takes_new_figures(
        app, pair):
    case = _activity(app, pair, "approved")
    with pytest.raises(DomainError):  # nothing changed yet
        marketing.refresh_figures(_user(pair, "startup"), case)
    pilots.update_kpi(_user(pair, "startup"), _kpi(pair), actual=91.0)
    assert case.figures_changed
    with pytest.raises(PermissionDenied):
        marketing.refresh_figures(_user(pair, "other_startup"), case)
    marketing.refresh_figures(_user(pair, "startup"), case, case.version)
    assert case.state == "in_review" and case.approval_count == 0
    assert _figures(case)[0][3] == 86.0  # not yet approved
    _approve_all(pair, case)
    assert case.state == "approved" and _figures(case)[0][3] == 91.0
    assert not case.figures_changed
    assert [(e.from_state, e.to_state) for e in _events(case)][-2:] == [
        ("approved", "in_review"), ("in_review", "approved")]


def test_a_published_case_study_keeps_its_old_figures_until_all_three_approve_new_ones(
        app, pair):
    case = _activity(app, pair, "published")
    pilots.update_kpi(_user(pair, "municipality"), _kpi(pair), actual=92.0)
    marketing.refresh_figures(_user(pair, "municipality"), case)
    assert case.state == "published" and case.figures_in_review and not case.figures_changed
    assert marketing.may_approve(_user(pair, "startup"), case)
    marketing.approve(_user(pair, "municipality"), case)
    marketing.approve(_user(pair, "startup"), case)
    assert _figures(cases.get_public(case.id))[0][3] == 86.0  # still the approved figures
    marketing.approve(_user(pair, "manager"), case)
    assert case.state == "published" and not case.figures_in_review
    assert _figures(cases.get_public(case.id))[0][3] == 92.0
    assert _events(case)[-1].from_state == _events(case)[-1].to_state == "published"


def test_a_kpi_change_while_approvals_are_collected_clears_them(app, pair):
    """The snapshot is always the figures all three approved, never ones changed in between."""
    case = _activity(app, pair, "in_review")
    marketing.approve(_user(pair, "municipality"), case)
    marketing.approve(_user(pair, "startup"), case)
    pilots.update_kpi(_user(pair, "startup"), _kpi(pair), actual=70.0)
    assert case.approval_count == 0 and case.state == "in_review"
    _approve_all(pair, case)
    assert _figures(case)[0][3] == 70.0


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), 1e13])
def test_the_kpi_service_refuses_numbers_that_are_not_ordinary(app, pair, value):
    town = _user(pair, "municipality")
    pilot = db.session.get(Pilot, pair[1])
    with pytest.raises(DomainError) as refused:
        pilots.add_kpi(town, pilot, name="到達率", unit="%", baseline=1.0, actual=value)
    assert refused.value.field == "actual"
    with pytest.raises(DomainError) as refused:
        pilots.update_kpi(town, _kpi(pair), target=value)
    assert refused.value.field == "target"
    db.session.expire_all()
    assert len(pilot.kpis) == 1 and _kpi(pair).target == 80.0
