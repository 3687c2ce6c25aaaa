"""Dashboard figures on hand-made pairs: the funnel counts a pair for every stage it passed,
current stages, categories, prefectures, median days from the timeline, reasons, marketing by
month (Japan time) — and each figure only counts the pairs the viewer's scope allows."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select, update

from govtech.extensions import db
from govtech.models import HistoryEvent, MarketingActivity, Pilot, User
from govtech.services import dashboard
from govtech.services.dashboard import Scope
from govtech.services.errors import PermissionDenied
from tests import factories

T0 = datetime(2025, 1, 6, 0, 0, tzinfo=UTC)


def _backdate(pilot_id: int, days: list[int]) -> None:
    """Put the pilot's events at T0 + each offset, oldest first, and its start, stage entry and
    end with them (as the demo data does)."""
    events = db.session.scalars(select(HistoryEvent.id).where(
        HistoryEvent.entity_type == "pilot", HistoryEvent.entity_id == pilot_id)
        .order_by(HistoryEvent.id)).all()
    assert len(events) == len(days)
    for event_id, offset in zip(events, days, strict=True):
        db.session.execute(update(HistoryEvent).where(HistoryEvent.id == event_id)
                           .values(created_at=T0 + timedelta(days=offset)))
    pilot = db.session.get(Pilot, pilot_id)
    assert pilot is not None
    pilot.started_at = T0 + timedelta(days=days[0])
    pilot.stage_entered_at = T0 + timedelta(days=days[-1])
    pilot.closed_at = None if pilot.is_open else pilot.stage_entered_at
    db.session.commit()


def _published(pilot_id: int, kind: str, at: datetime | None, state: str = "published") -> None:
    db.session.add(MarketingActivity(pilot_id=pilot_id, kind=kind, title="事例", state=state,
                                     published_at=at))
    db.session.commit()


@pytest.fixture
def world(app, ctx):
    """Town A (埼玉県) with two pairs, town B (東京都) with one; startups S1 and S2.

    p1 (A, S1) adopted; p2 (A, S2) not adopted straight from 紹介 (budget); p3 (B, S1) at 提案.
    The matcher recommended all three pairs and one more, (B, S2), that was never introduced."""
    r = {"a": factories.user(app, "municipality", prefecture="11"),
         "b": factories.user(app, "municipality", prefecture="13"),
         "s1": factories.user(app, "startup"), "s2": factories.user(app, "startup"),
         "manager": factories.user(app, "manager")}
    ca = factories.challenge(app, r["a"], categories=["disaster", "data"])
    cb = factories.challenge(app, r["b"], title="保育所の入所調整", categories=["childcare"])
    for cid, who in ((ca, "s1"), (ca, "s2"), (cb, "s1"), (cb, "s2")):
        factories.recommendation(app, cid, r[who].org_id)
    ids = {"p1": factories.pilot(app, r["manager"], ca, r["s1"].org_id, stage="adopted"),
           "p2": factories.pilot(app, r["manager"], ca, r["s2"].org_id, stage="not_adopted"),
           "p3": factories.pilot(app, r["manager"], cb, r["s1"].org_id, stage="proposal")}
    _backdate(ids["p1"], [0, 2, 4, 6, 8, 10, 12, 14, 16])
    _backdate(ids["p2"], [0, 8])
    _backdate(ids["p3"], [0, 4, 10])
    return r, ids


def _scope(records, who) -> Scope:
    return dashboard.scope_for(db.session.get(User, records[who].id))


def test_scope_follows_the_actor(world):
    """Managers see the programme; members their own organisation; the scope is checked."""
    r, _ids = world
    assert _scope(r, "manager") == Scope("programme")
    assert _scope(r, "a") == Scope("municipality", r["a"].org_id)
    assert _scope(r, "s1") == Scope("startup", r["s1"].org_id)


def test_pending_members_have_no_scope(app, ctx):
    pending = factories.user(app, "municipality", state="pending")
    with pytest.raises(PermissionDenied):
        dashboard.scope_for(db.session.get(User, pending.id))


def _funnel(scope):
    return [(step.key, step.count, step.rate) for step in dashboard.funnel(scope)]


def test_funnel_counts_a_pair_for_every_stage_it_passed(world):
    """Recommended 4 pairs; 3 introduced; p2 left at 紹介, so 2 met; only p1 went past 提案."""
    r, _ids = world
    steps = _funnel(_scope(r, "manager"))
    assert steps[:5] == [("recommended", 4, None), ("introduced", 3, 0.75),
                         ("meeting", 2, pytest.approx(2 / 3)), ("proposal", 2, 1.0),
                         ("selected", 1, 0.5)]
    assert steps[-1] == ("adopted", 1, 1.0)
    assert [key for key, _n, _r in steps][1:] == ["introduced", "meeting", "proposal", "selected",
                                                  "agreement", "pilot", "evaluation",
                                                  "budgeting", "adopted"]


def test_funnel_rate_after_an_empty_step_is_none(world):
    r, _ids = world
    steps = _funnel(_scope(r, "s2"))
    assert steps[:3] == [("recommended", 2, None), ("introduced", 1, 0.5), ("meeting", 0, 0.0)]
    assert steps[3] == ("proposal", 0, None)


def test_a_pilot_started_further_on_counts_for_the_stages_before(app, world):
    """An accepted proposal starts the pair at 選定: it counts as introduced and met too."""
    r, _ids = world
    cid = factories.challenge(app, r["b"], title="窓口予約")
    factories.proposal(app, r["s2"], cid, state="accepted", reviewer=r["b"])
    steps = dict((key, n) for key, n, _r in _funnel(Scope("municipality", r["b"].org_id)))
    assert steps["recommended"] >= 3 and steps["introduced"] == 2  # the matcher may add more
    assert steps["meeting"] == 2 and steps["selected"] == 1 and steps["agreement"] == 0


def test_current_by_stage_lists_every_stage(world):
    r, _ids = world
    counts = dashboard.current_by_stage(_scope(r, "manager"))
    assert counts["adopted"] == counts["not_adopted"] == counts["proposal"] == 1
    assert sum(counts.values()) == 3 and counts["withdrawn"] == 0 and len(counts) == 11
    assert dashboard.current_by_stage(_scope(r, "b"))["adopted"] == 0


def test_summary_is_made_of_the_other_figures(world):
    r, ids = world
    _published(ids["p1"], "case_study", T0)
    summary = dashboard.summary(_scope(r, "manager"))
    assert (summary.pairs, summary.open, summary.adopted, summary.published) == (3, 1, 1, 1)


def test_by_category_counts_each_category_of_the_challenge(world):
    r, _ids = world
    rows = [(g.key, g.pairs, g.open, g.adopted)
            for g in dashboard.by_category(_scope(r, "manager"))]
    assert rows == [("disaster", 2, 0, 1), ("data", 2, 0, 1), ("childcare", 1, 1, 0)]
    assert [g.key for g in dashboard.by_category(_scope(r, "b"))] == ["childcare"]


def test_by_prefecture_uses_the_municipality(world):
    r, _ids = world
    rows = [(g.key, g.pairs, g.open, g.adopted)
            for g in dashboard.by_prefecture(_scope(r, "manager"))]
    assert rows == [("11", 2, 0, 1), ("13", 1, 1, 0)]
    assert [g.key for g in dashboard.by_prefecture(_scope(r, "s2"))] == ["11"]


def test_median_days_from_the_timeline_with_the_current_stage_up_to_now(world):
    """Days in 紹介: p1 2, p2 8, p3 4 → 4; in 提案: p1 2, p3 (still there at day 30) 20 → 11."""
    r, _ids = world
    rows = {row.stage: (row.median_days, row.pairs)
            for row in dashboard.median_days(_scope(r, "manager"), now=T0 + timedelta(days=30))}
    assert rows["introduced"] == (4, 3)
    assert rows["meeting"] == (4, 2)
    assert rows["proposal"] == (11, 2)
    assert rows["budgeting"] == (2, 1)
    assert "adopted" not in rows and len(rows) == 8
    town_a = {row.stage: row.median_days
              for row in dashboard.median_days(_scope(r, "a"), now=T0 + timedelta(days=30))}
    assert town_a["introduced"] == 5 and town_a["proposal"] == 2


def test_not_adopted_reasons_count_per_reason(world):
    r, _ids = world
    reasons = dashboard.not_adopted_reasons(_scope(r, "manager"))
    assert reasons == {"budget": 1, "effect": 0, "fit": 0, "timing": 0, "other": 0}
    assert sum(dashboard.not_adopted_reasons(_scope(r, "b")).values()) == 0


def test_marketing_by_month_in_japan_time_with_empty_months(world):
    """16:00 UTC on 31 March is 1 April in Tokyo; drafts and other towns' pairs do not count."""
    r, ids = world
    _published(ids["p1"], "case_study", datetime(2025, 3, 31, 16, 0, tzinfo=UTC))
    _published(ids["p1"], "press_release", datetime(2025, 6, 10, 1, 0, tzinfo=UTC))
    _published(ids["p1"], "article", None, state="drafting")
    _published(ids["p3"], "article", datetime(2025, 4, 5, 1, 0, tzinfo=UTC))
    rows = dashboard.marketing_by_month(_scope(r, "manager"))
    assert [(m.month, m.total) for m in rows] == [
        (date(2025, 4, 1), 2), (date(2025, 5, 1), 0), (date(2025, 6, 1), 1)]
    assert rows[0].by_kind["case_study"] == 1 and rows[0].by_kind["article"] == 1
    assert rows[2].by_kind["press_release"] == 1 and len(rows[0].by_kind) == 6
    town_a = dashboard.marketing_by_month(_scope(r, "a"))
    assert [(m.month, m.total) for m in town_a][0] == (date(2025, 4, 1), 1)
    assert dashboard.marketing_by_month(_scope(r, "s2")) == []


def test_a_municipality_sees_none_of_another_towns_pairs(world):
    """Town B's figures know nothing of town A's two pairs, in any metric."""
    r, ids = world
    _published(ids["p1"], "case_study", T0)
    scope = _scope(r, "b")
    assert dict((k, n) for k, n, _r in _funnel(scope))["introduced"] == 1
    assert sum(dashboard.current_by_stage(scope).values()) == 1
    assert [g.key for g in dashboard.by_prefecture(scope)] == ["13"]
    assert {row.stage: row.pairs for row in dashboard.median_days(scope)}["introduced"] == 1
    assert dashboard.marketing_by_month(scope) == []
    assert dashboard.summary(scope).adopted == 0


# --- the period, the movements, the pairs at the top -------------------------------------------

def _at(monkeypatch, moment: datetime):
    from govtech.services import dashboard_period
    from tests.clock import travel

    return travel(monkeypatch, dashboard_period, moment)


@pytest.mark.parametrize(("now", "key", "start", "end"), [
    (datetime(2026, 12, 22, 3, tzinfo=UTC), "month", date(2026, 12, 1), date(2027, 1, 1)),
    (datetime(2026, 12, 22, 3, tzinfo=UTC), "last_month", date(2026, 11, 1), date(2026, 12, 1)),
    (datetime(2026, 12, 22, 3, tzinfo=UTC), "quarter", date(2026, 10, 1), date(2027, 1, 1)),
    (datetime(2026, 12, 22, 3, tzinfo=UTC), "fiscal_year", date(2026, 4, 1), date(2027, 4, 1)),
    (datetime(2027, 3, 31, 14, 59, tzinfo=UTC), "fiscal_year", date(2026, 4, 1),
     date(2027, 4, 1)),
    # 15:00 UTC on 31 March is 1 April in Tokyo: the new fiscal year (and month, and quarter)
    (datetime(2027, 3, 31, 15, 0, tzinfo=UTC), "fiscal_year", date(2027, 4, 1), date(2028, 4, 1)),
    (datetime(2027, 3, 31, 15, 0, tzinfo=UTC), "quarter", date(2027, 4, 1), date(2027, 7, 1)),
    (datetime(2027, 1, 10, tzinfo=UTC), "last_month", date(2026, 12, 1), date(2027, 1, 1)),
])
def test_periods_are_counted_in_japan_time(app, monkeypatch, now, key, start, end):
    from govtech.services import dashboard_period

    _at(monkeypatch, now)
    with app.test_request_context():
        period, understood = dashboard_period.period(key)
    assert (period.key, period.start, period.end, understood) == (key, start, end, True)


def test_periods_are_named_as_each_language_writes_them(app, monkeypatch):
    from govtech.services import dashboard_period

    _at(monkeypatch, datetime(2026, 12, 22, 3, tzinfo=UTC))
    expected = {"ja": ["2026年12月", "2026年11月", "2026年10月～12月", "2026年度", "全期間"],
                "en": ["December 2026", "November 2026", "Oct–Dec 2026", "FY2026", "All time"]}
    for lang, labels in expected.items():
        with app.test_request_context(), force_locale(lang):
            found = [dashboard_period.period(key)[0].label() for key in
                     ("month", "last_month", "quarter", "fiscal_year", "all")]
        assert found == labels, lang


@pytest.mark.parametrize("bad", ["", "decade", "month' OR 1=1", "ＭＯＮＴＨ", "x" * 500])
def test_an_unknown_period_falls_back_to_this_month(app, monkeypatch, bad):
    from govtech.services import dashboard_period

    _at(monkeypatch, datetime(2026, 12, 22, 3, tzinfo=UTC))
    with app.test_request_context():
        period, understood = dashboard_period.period(bad)
    assert (period.key, period.start, understood) == ("month", date(2026, 12, 1), False)


def _period(app, monkeypatch, now: datetime, key: str):
    from govtech.services import dashboard_period

    _at(monkeypatch, now)
    return dashboard_period.period(key)[0]


def test_movements_count_each_stage_move_in_the_period(app, monkeypatch, world):
    """All of the world's history is in January 2025 (T0 = 6 Jan): three new pairs; p1 moved
    eight times to 本格導入, p2 once to 不採用, p3 twice to 提案 — eleven moves."""
    from govtech.services import dashboard_moves

    r, _ids = world
    january = _period(app, monkeypatch, T0 + timedelta(days=20), "month")
    found = dashboard_moves.movements(_scope(r, "manager"), january)
    assert (found.new_pairs, found.moved, found.adopted, found.ended) == (3, 11, 1, 1)
    moves = {(m.source, m.target): m.count for m in found.moves}
    assert moves[(None, "introduced")] == 3 and moves[("introduced", "meeting")] == 2
    assert moves[("introduced", "not_adopted")] == 1 and moves[("budgeting", "adopted")] == 1
    assert [m.target for m in found.moves][:2] == ["introduced", "meeting"]  # pipeline order
    february = _period(app, monkeypatch, T0 + timedelta(days=40), "month")
    assert dashboard_moves.movements(_scope(r, "manager"), february).moves == []
    last_month = _period(app, monkeypatch, T0 + timedelta(days=40), "last_month")
    assert dashboard_moves.movements(_scope(r, "manager"), last_month).moved == 11
    town_b = dashboard_moves.movements(_scope(r, "b"), last_month)  # p3 only
    assert (town_b.new_pairs, town_b.moved, town_b.adopted) == (1, 2, 0)


def test_the_period_applies_to_the_figures_of_events(app, monkeypatch, world):
    """Pairs started, adoptions, endings and publications count in their period only."""
    r, ids = world
    _published(ids["p1"], "case_study", datetime(2025, 2, 3, 1, 0, tzinfo=UTC))
    manager = _scope(r, "manager")
    january = _period(app, monkeypatch, datetime(2025, 1, 20, tzinfo=UTC), "month")
    february = _period(app, monkeypatch, datetime(2025, 2, 20, tzinfo=UTC), "month")
    summary = dashboard.summary(manager, january)
    assert (summary.pairs, summary.open, summary.adopted, summary.published) == (3, 1, 1, 0)
    summary = dashboard.summary(manager, february)
    assert (summary.pairs, summary.open, summary.adopted, summary.published) == (0, 1, 0, 1)
    assert dashboard.not_adopted_reasons(manager, january)["budget"] == 1
    assert dashboard.not_adopted_reasons(manager, february)["budget"] == 0
    assert [g.key for g in dashboard.by_prefecture(manager, january)] == ["11", "13"]
    assert dashboard.by_prefecture(manager, february) == []
    assert dashboard.funnel(manager, february)[1].count == 0
    assert dashboard.funnel(manager, january)[1].count == 3
    assert [m.total for m in dashboard.marketing_by_month(manager, february)] == [1]
    assert dashboard.marketing_by_month(manager, january) == []


@pytest.fixture
def waiting(app, world):
    """Town B gets a second open pair, p4, at 紹介 since 14 Feb 2025 (fresh: not stuck); p3 has
    been at 提案 since 16 Jan 2025, while the programme's median stay at 提案 is 2 days."""
    r, ids = world
    cid = factories.challenge(app, r["b"], title="窓口予約のオンライン化")
    ids["p4"] = factories.pilot(app, r["manager"], cid, r["s2"].org_id)
    _backdate(ids["p4"], [39])
    return r, ids


def test_a_municipality_sees_its_stuck_pairs_first_and_no_other_towns(app, monkeypatch, waiting):
    from govtech.services import dashboard_pairs

    r, ids = waiting
    _at(monkeypatch, datetime(2025, 2, 15, 3, tzinfo=UTC))
    found = dashboard_pairs.own_pairs(_scope(r, "b"))
    assert [line.pilot.id for line in found.lines] == [ids["p3"], ids["p4"]]
    assert (found.total, found.stuck_total) == (2, 1)
    stuck = found.lines[0].stuck
    assert stuck is not None and (stuck.days, stuck.median) == (30, 2)
    assert found.lines[1].stuck is None and found.lines[1].days == 1
    assert found.lines[0].step.text  # the next step, from pipeline_status
    assert dashboard_pairs.own_pairs(_scope(r, "a")).total == 0  # town A's pairs have ended
    startup = dashboard_pairs.own_pairs(_scope(r, "s2"))
    assert [line.pilot.id for line in startup.lines] == [ids["p4"]]


def test_the_manager_sees_the_programmes_stuck_pairs(app, monkeypatch, waiting):
    from govtech.services import dashboard_pairs

    r, ids = waiting
    _at(monkeypatch, datetime(2025, 2, 15, 3, tzinfo=UTC))
    found = dashboard_pairs.stuck_pairs(_scope(r, "manager"))
    assert [line.pilot.id for line in found.lines] == [ids["p3"]] and found.total == 1
    _at(monkeypatch, datetime(2025, 1, 20, 3, tzinfo=UTC))  # four days at 提案: not yet
    assert dashboard_pairs.stuck_pairs(_scope(r, "manager")).total == 0


def test_next_dates_are_milestones_and_proposal_deadlines_soonest_first(app, monkeypatch,
                                                                       waiting):
    from govtech.models import Pilot as PilotModel
    from govtech.services import dashboard_pairs, pilots

    r, ids = waiting
    booking = factories.challenge(app, r["b"], title="公共施設の予約", deadline=date(2027, 6, 30))
    elsewhere = factories.challenge(app, r["a"], title="よその町の課題",
                                    deadline=date(2027, 5, 1))
    factories.proposal(app, r["s2"], booking)  # under review: its deadline is s2's date too
    factories.proposal(app, r["s2"], elsewhere, state="withdrawn")  # not s2's date any more
    with app.test_request_context():
        actor = db.session.get(User, r["b"].id)
        pilot = db.session.get(PilotModel, ids["p3"])
        pilots.add_milestone(actor, pilot, "最終提案書の提出", date(2027, 6, 1))
        pilots.add_milestone(actor, pilot, "日付のない作業", None)
    _at(monkeypatch, datetime(2027, 1, 5, tzinfo=UTC))
    found = [(line.day, line.kind, line.title)
             for line in dashboard_pairs.next_dates(_scope(r, "b"))]
    assert found == [(date(2027, 6, 1), "milestone", "最終提案書の提出"),
                     (date(2027, 6, 30), "deadline", "公共施設の予約")]
    assert [line.title for line in dashboard_pairs.next_dates(_scope(r, "s1"))] == [
        "最終提案書の提出"]
    assert [line.title for line in dashboard_pairs.next_dates(_scope(r, "s2"))] == [
        "公共施設の予約"]
