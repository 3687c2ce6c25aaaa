"""The dashboard's figures: each one defined once, here, so a number means the same everywhere.

Every metric takes a `Scope` (which pairs it may count) made by `scope_for(actor)`: managers see
the whole programme, a municipality the pairs of its own challenges, a startup its own pairs.
A "pair" is a pilot (実証プロジェクト): one challenge and one startup on their journey; the page,
its charts and the CSV exports all call these functions, never their own queries.

Each figure is counted by the database (COUNT, SUM and GROUP BY over the scoped pilots, or over
their history events), so its cost does not depend on Python looping over every pilot; what
comes back is a row per stage, category, prefecture, month or number of days. The month and
duration arithmetic the two databases spell differently lives in services.sqltime.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Select, Text, case, cast, func, select, union

from govtech.extensions import db
from govtech.labels import MARKETING_KINDS, NOT_ADOPTED_REASONS
from govtech.models import (
    Challenge,
    HistoryEvent,
    MarketingActivity,
    MarketingState,
    Organisation,
    OrgKind,
    Pilot,
    PilotStage,
    Recommendation,
    User,
)
from govtech.models.pilot import FINAL_STAGES
from govtech.reference import CATEGORIES, PREFECTURES
from govtech.services import access, sqltime
from govtech.services.dashboard_period import ALL_TIME, Period
from govtech.services.workflow import PILOT_PIPELINE

TOKYO = ZoneInfo("Asia/Tokyo")  # months are counted as people in Japan see them
ALL_STAGES = (*PILOT_PIPELINE, PilotStage.not_adopted, PilotStage.withdrawn)


# --- scope -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """Whose pairs a figure counts: everyone's (`org_id` None), a municipality's or a startup's."""

    kind: str  # "programme", "municipality" or "startup"
    org_id: int | None = None


def scope_for(actor: User | None) -> Scope:
    """The scope an actor may see; anyone but an approved member is refused."""
    access.require(access.member(actor),
                   _("Only members of the programme can see the dashboard."))
    if access.manager(actor):
        return Scope("programme")
    if access.acts_for_kind(actor, OrgKind.municipality):
        return Scope("municipality", access.own_org_id(actor))
    return Scope("startup", access.own_org_id(actor))


def _pilots_in(scope: Scope, *, with_challenge: bool = False,
               period: Period = ALL_TIME) -> Select[tuple[Pilot]]:
    """The scoped pilots (started in `period`), joined to their challenge when a figure groups
    by its fields (or the scope needs it: a municipality's pilots are those of its challenges)."""
    query = select(Pilot)
    if not period.is_all:
        query = query.where(period.contains(Pilot.started_at, "started"))
    if with_challenge or scope.kind == "municipality":
        query = query.join(Pilot.challenge)
    if scope.kind == "municipality":
        query = query.where(Challenge.organisation_id == scope.org_id)
    elif scope.kind == "startup":
        query = query.where(Pilot.startup_id == scope.org_id)
    return query


def _recommendations_in(scope: Scope, period: Period = ALL_TIME) -> Select[tuple[Recommendation]]:
    query = select(Recommendation).where(Recommendation.live(),
                                         period.contains(Recommendation.created_at, "made"))
    if scope.kind == "municipality":
        query = query.join(Recommendation.challenge).where(
            Challenge.organisation_id == scope.org_id)
    elif scope.kind == "startup":
        query = query.where(Recommendation.startup_id == scope.org_id)
    return query


def _pilot_events(scope: Scope) -> Select[tuple[HistoryEvent]]:
    """The stage history events of the scoped pilots (of pilots that still exist, for the
    programme)."""
    return select(HistoryEvent).where(HistoryEvent.entity_type == "pilot",
                                      HistoryEvent.entity_id.in_(
                                          _pilots_in(scope).with_only_columns(Pilot.id)))


_OPEN = func.sum(case((Pilot.stage.in_(FINAL_STAGES), 0), else_=1))
_ADOPTED = func.sum(case((Pilot.stage == PilotStage.adopted, 1), else_=0))


# --- the funnel --------------------------------------------------------------------------------

@dataclass(frozen=True)
class FunnelStep:
    key: str  # "recommended" or a pipeline stage
    count: int
    rate: float | None  # share of the previous step's count; None for the first or after 0


def funnel(scope: Scope, period: Period = ALL_TIME) -> list[FunnelStep]:
    """How many distinct pairs (challenge × startup) ever reached each step, with conversion.

    - `recommended`: pairs the matcher recommended (whatever their review state), plus pairs that
      entered the pipeline without a recommendation (an accepted proposal), so that every later
      step is a subset of this one.
    - each pipeline stage, 紹介 to 本格導入: pairs whose history has an event into that stage or
      into any later pipeline stage (a pair that moved on, or started further on, still counts
      for the stages before). A pair that ran more than one pilot counts once.
    - `rate`: this step's count divided by the previous step's (None when that one is 0).
    - `period`: only recommendations made and pilots started in it.
    """
    pairs = union(
        _recommendations_in(scope, period).with_only_columns(Recommendation.challenge_id,
                                                             Recommendation.startup_id),
        _pilots_in(scope, period=period).with_only_columns(Pilot.challenge_id,
                                                           Pilot.startup_id)).subquery()
    recommended = db.session.scalar(select(func.count()).select_from(pairs)) or 0
    # How far each pilot got: an open pilot's current stage (moves go one step forward, so
    # it is the furthest its history reached); for one that ended early, its history says.
    order = {stage.value: i for i, stage in enumerate(PILOT_PIPELINE)}
    from_history = (select(func.max(case(order, value=HistoryEvent.to_state)))
                    .where(HistoryEvent.entity_type == "pilot",
                           HistoryEvent.entity_id == Pilot.id,
                           HistoryEvent.to_state.in_(list(order))).scalar_subquery())
    reached_by_pilot = func.coalesce(case(order, value=Pilot.stage), from_history)
    per_pair = (_pilots_in(scope, period=period)
                .with_only_columns(func.max(reached_by_pilot).label("reached"))
                .group_by(Pilot.challenge_id, Pilot.startup_id).subquery())
    reached = dict(db.session.execute(select(per_pair.c.reached, func.count())
                                      .where(per_pair.c.reached.is_not(None))
                                      .group_by(per_pair.c.reached)).tuples().all())
    counts = [recommended] + [sum(n for index, n in reached.items() if index >= step)
                              for step in range(len(PILOT_PIPELINE))]
    keys = ["recommended"] + [stage.value for stage in PILOT_PIPELINE]
    return [FunnelStep(key, count, None if i == 0 or not counts[i - 1]
                       else count / counts[i - 1])
            for i, (key, count) in enumerate(zip(keys, counts, strict=True))]


# --- where the pairs are now -------------------------------------------------------------------

def current_by_stage(scope: Scope) -> dict[str, int]:
    """Pilots by their stage today, every stage listed (0 where none), ended ones included."""
    counts = dict(db.session.execute(
        _pilots_in(scope).with_only_columns(Pilot.stage, func.count())
        .group_by(Pilot.stage)).tuples().all())
    return {stage.value: counts.get(stage, 0) for stage in ALL_STAGES}


@dataclass(frozen=True)
class Summary:
    pairs: int
    open: int
    adopted: int
    published: int


def summary(scope: Scope, period: Period = ALL_TIME) -> Summary:
    """The headline numbers: pilots started in the period, those open today (not adopted/not
    adopted/withdrawn, whenever they started), those adopted (本格導入) in the period, and
    marketing activities published in it."""
    stages = current_by_stage(scope)
    started = db.session.scalar(_pilots_in(scope, period=period)
                                .with_only_columns(func.count(Pilot.id))) or 0
    adopted = db.session.scalar(_pilots_in(scope).with_only_columns(func.count(Pilot.id)).where(
        Pilot.stage == PilotStage.adopted, period.contains(Pilot.closed_at, "closed"))) or 0
    published = db.session.scalar(_published_in(scope, period)
                                  .with_only_columns(func.count())) or 0
    return Summary(pairs=started,
                   open=sum(n for stage, n in stages.items() if stage not in FINAL_STAGES),
                   adopted=adopted, published=published)


@dataclass(frozen=True)
class GroupCount:
    key: str  # a category key or a prefecture code
    pairs: int
    open: int
    adopted: int


def _group(rows: list[tuple[list[str], int, int, int]], order: list[str]) -> list[GroupCount]:
    """Rows of (keys, pairs, open, adopted), already counted by the database per distinct key
    list, added up per key."""
    totals: dict[str, list[int]] = {}
    for keys, *figures in rows:
        for key in set(keys):
            total = totals.setdefault(key, [0, 0, 0])
            for i, value in enumerate(figures):
                total[i] += int(value or 0)
    found = [GroupCount(key, *totals[key]) for key in order if key in totals]
    return sorted(found, key=lambda row: -row.pairs)  # stable: ties keep the reference order


def by_category(scope: Scope, period: Period = ALL_TIME) -> list[GroupCount]:
    """Pilots per category of their challenge (all, still open, adopted), most pairs first.

    A challenge with several categories counts in each, so the rows can add up to more than the
    number of pairs; categories without pairs are left out. The database counts per distinct
    list of categories (a few hundred at most), Python adds those up per category."""
    categories = cast(Challenge.categories, Text)
    rows = db.session.execute(_pilots_in(scope, with_challenge=True, period=period)
                              .with_only_columns(
        categories, func.count(), _OPEN, _ADOPTED).group_by(categories)).tuples()
    return _group([(json.loads(text or "null") or ["other"], *figures)
                   for text, *figures in rows], list(CATEGORIES))


def by_prefecture(scope: Scope, period: Period = ALL_TIME) -> list[GroupCount]:
    """Pilots per prefecture of the challenge's municipality (all, still open, adopted), most
    pairs first; prefectures without pairs are left out."""
    rows = db.session.execute(
        _pilots_in(scope, with_challenge=True, period=period)
        .join(Organisation, Challenge.organisation_id == Organisation.id)
        .with_only_columns(Organisation.prefecture, func.count(), _OPEN, _ADOPTED)
        .group_by(Organisation.prefecture)).tuples()
    return _group([([code or ""], *figures) for code, *figures in rows], [*PREFECTURES, ""])


# --- time in stages ----------------------------------------------------------------------------

@dataclass(frozen=True)
class StageDuration:
    stage: str
    median_days: float | None  # None when no pair has been in the stage
    pairs: int  # how many pilots the median is taken over


def median_days(scope: Scope, now: datetime | None = None) -> list[StageDuration]:
    """Median whole days a pilot spends in each pipeline stage (紹介 to 予算化).

    Per pilot, the days are those of its page (`pilots.days_in_stages`, from its history events:
    a stage runs until the next event; the current stage of an open pilot counts up to now, an
    ended pilot's last event lasts nothing; a stage entered twice adds up); the median is over
    the pilots that have been in the stage. The database works out each pilot's days per stage
    and counts the pilots per (stage, days); the median is read off those counts."""
    now = now or datetime.now(TOKYO)
    following = func.lead(HistoryEvent.created_at).over(
        partition_by=HistoryEvent.entity_id, order_by=(HistoryEvent.created_at, HistoryEvent.id))
    events = _pilot_events(scope).with_only_columns(
        HistoryEvent.entity_id.label("pilot_id"), HistoryEvent.to_state.label("stage"),
        HistoryEvent.created_at.label("start"), following.label("end")).subquery()
    # A pilot's last event is its move into its current stage: when that stage is measured
    # (not final) the pilot is open and the stage lasts up to now; an ended pilot's last event
    # is into a final stage, which is not measured.
    seconds = sqltime.seconds_between(func.coalesce(events.c.end, sqltime.moment(now)),
                                      events.c.start)
    measured = [stage.value for stage in PILOT_PIPELINE if stage not in FINAL_STAGES]
    per_pilot = (select(events.c.stage, sqltime.whole_days(func.sum(seconds)).label("days"))
                 .where(events.c.stage.in_(measured))
                 .group_by(events.c.pilot_id, events.c.stage).subquery())
    counts: dict[str, list[tuple[int, int]]] = {stage: [] for stage in measured}
    for stage, whole, n in db.session.execute(
            select(per_pilot.c.stage, per_pilot.c.days, func.count())
            .group_by(per_pilot.c.stage, per_pilot.c.days)
            .order_by(per_pilot.c.stage, per_pilot.c.days)).tuples():
        counts[stage].append((int(whole), n))
    return [StageDuration(stage, _median(counts[stage]), sum(n for _d, n in counts[stage]))
            for stage in measured]


def _median(counted: list[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many times), in ascending order."""
    total = sum(n for _value, n in counted)
    if not total:
        return None
    wanted, middle, seen = ((total - 1) // 2, total // 2), [], 0
    for value, n in counted:
        middle += [value] * sum(1 for position in wanted if seen <= position < seen + n)
        seen += n
    return middle[0] if total % 2 else (middle[0] + middle[1]) / 2


# --- outcomes ----------------------------------------------------------------------------------

def not_adopted_reasons(scope: Scope, period: Period = ALL_TIME) -> dict[str, int]:
    """Pilots that ended 不採用 (in the period), per recorded reason (every reason listed, 0
    where none)."""
    counts = dict(db.session.execute(
        _pilots_in(scope).where(Pilot.stage == PilotStage.not_adopted,
                                period.contains(Pilot.closed_at, "closed"))
        .with_only_columns(Pilot.not_adopted_reason, func.count())
        .group_by(Pilot.not_adopted_reason)).tuples().all())
    return {reason: counts.get(reason, 0) for reason in NOT_ADOPTED_REASONS}


@dataclass(frozen=True)
class MonthCount:
    month: date  # the first day of the month (Japan time)
    by_kind: dict[str, int]  # every marketing kind, 0 where none
    total: int


def _published_in(scope: Scope, period: Period = ALL_TIME) -> Select:
    """Published marketing activities of the scoped pilots (published in the period)."""
    return (select(MarketingActivity)
            .where(MarketingActivity.state == MarketingState.published,
                   MarketingActivity.published_at.is_not(None),
                   period.contains(MarketingActivity.published_at, "published"),
                   MarketingActivity.pilot_id.in_(_pilots_in(scope)
                                                  .with_only_columns(Pilot.id))))


def marketing_by_month(scope: Scope, period: Period = ALL_TIME) -> list[MonthCount]:
    """Published marketing activities of the scoped pilots per month of publication (Japan time)
    and kind; every month from the first publication to the last is listed, empty ones as 0."""
    month = sqltime.month_in_japan(MarketingActivity.published_at)
    counts: Counter[tuple[date, str]] = Counter()
    for key, kind, n in db.session.execute(
            _published_in(scope, period)
            .with_only_columns(month, MarketingActivity.kind, func.count())
            .group_by(month, MarketingActivity.kind)).tuples():
        year, number = key.split("-")
        counts[(date(int(year), int(number), 1), str(kind))] += n
    if not counts:
        return []
    first, last = min(m for m, _k in counts), max(m for m, _k in counts)
    months, current = [], first
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return [MonthCount(m, {k: counts[(m, k)] for k in MARKETING_KINDS},
                       sum(counts[(m, k)] for k in MARKETING_KINDS)) for m in months]
