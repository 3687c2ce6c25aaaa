"""The dashboard's figures: each one defined once, here, so a number means the same everywhere.

Every metric takes a `Scope` (which pairs it may count) made by `scope_for(actor)`: managers see
the whole programme, a municipality the pairs of its own challenges, a startup its own pairs.
A "pair" is a pilot (実証プロジェクト): one challenge and one startup on their journey; the page,
its charts and the CSV exports all call these functions, never their own queries.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Select, Text, and_, case, cast, func, select, union

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


def _pilots_in(scope: Scope) -> Select[tuple[Pilot]]:
    """The scoped pilots, joined to their challenge (so figures can group by its fields)."""
    query = select(Pilot).join(Pilot.challenge)
    if scope.kind == "municipality":
        query = query.where(Challenge.organisation_id == scope.org_id)
    elif scope.kind == "startup":
        query = query.where(Pilot.startup_id == scope.org_id)
    return query


def _recommendations_in(scope: Scope) -> Select[tuple[Recommendation]]:
    query = select(Recommendation).where(Recommendation.live())
    if scope.kind == "municipality":
        query = query.join(Recommendation.challenge).where(
            Challenge.organisation_id == scope.org_id)
    elif scope.kind == "startup":
        query = query.where(Recommendation.startup_id == scope.org_id)
    return query


def _pilot_events(scope: Scope) -> dict[int, list[HistoryEvent]]:
    """Each scoped pilot's stage history, oldest first."""
    ids = _pilots_in(scope).with_only_columns(Pilot.id)
    events = db.session.scalars(
        select(HistoryEvent).where(HistoryEvent.entity_type == "pilot",
                                   HistoryEvent.entity_id.in_(ids))
        .order_by(HistoryEvent.entity_id, HistoryEvent.created_at, HistoryEvent.id))
    timeline: dict[int, list[HistoryEvent]] = defaultdict(list)
    for event in events:
        timeline[event.entity_id].append(event)
    return timeline


# --- the funnel --------------------------------------------------------------------------------

@dataclass(frozen=True)
class FunnelStep:
    key: str  # "recommended" or a pipeline stage
    count: int
    rate: float | None  # share of the previous step's count; None for the first or after 0


def funnel(scope: Scope) -> list[FunnelStep]:
    """How many distinct pairs (challenge × startup) ever reached each step, with conversion.

    - `recommended`: pairs the matcher recommended (whatever their review state), plus pairs that
      entered the pipeline without a recommendation (an accepted proposal), so that every later
      step is a subset of this one.
    - each pipeline stage, 紹介 to 本格導入: pairs whose history has an event into that stage or
      into any later pipeline stage (a pair that moved on, or started further on, still counts
      for the stages before). A pair that ran more than one pilot counts once.
    - `rate`: this step's count divided by the previous step's (None when that one is 0).
    """
    pairs = set(db.session.execute(_recommendations_in(scope).with_only_columns(
        Recommendation.challenge_id, Recommendation.startup_id)).tuples())
    pair_of = {pid: (cid, sid) for pid, cid, sid in db.session.execute(
        _pilots_in(scope).with_only_columns(Pilot.id, Pilot.challenge_id, Pilot.startup_id))}
    pairs |= set(pair_of.values())
    furthest: dict[tuple[int, int], int] = {}
    for pilot_id, events in _pilot_events(scope).items():
        reached = max((PILOT_PIPELINE.index(e.to_state) for e in events
                       if e.to_state in PILOT_PIPELINE), default=-1)
        key = pair_of[pilot_id]
        furthest[key] = max(furthest.get(key, -1), reached)
    counts = [len(pairs)] + [sum(1 for index in furthest.values() if index >= step)
                             for step in range(len(PILOT_PIPELINE))]
    keys = ["recommended"] + [stage.value for stage in PILOT_PIPELINE]
    return [FunnelStep(key, count, None if i == 0 or not counts[i - 1]
                       else count / counts[i - 1])
            for i, (key, count) in enumerate(zip(keys, counts, strict=True))]


# --- where the pairs are now -------------------------------------------------------------------

def current_by_stage(scope: Scope) -> dict[str, int]:
    """Pilots by their stage today, every stage listed (0 where none), ended ones included."""
    counts = Counter(db.session.scalars(_pilots_in(scope).with_only_columns(Pilot.stage)))
    return {stage.value: counts.get(stage, 0) for stage in ALL_STAGES}


@dataclass(frozen=True)
class Summary:
    pairs: int
    open: int
    adopted: int
    published: int


def summary(scope: Scope) -> Summary:
    """The headline numbers: all pilots, those still open (not adopted/not adopted/withdrawn),
    those adopted (本格導入), and published marketing activities (all months)."""
    stages = current_by_stage(scope)
    return Summary(pairs=sum(stages.values()),
                   open=sum(n for stage, n in stages.items() if stage not in FINAL_STAGES),
                   adopted=stages[PilotStage.adopted],
                   published=sum(row.total for row in marketing_by_month(scope)))


@dataclass(frozen=True)
class GroupCount:
    key: str  # a category key or a prefecture code
    pairs: int
    open: int
    adopted: int


def _group(values: list[tuple[list[str], PilotStage]], order: list[str]) -> list[GroupCount]:
    pairs: Counter[str] = Counter()
    open_: Counter[str] = Counter()
    adopted: Counter[str] = Counter()
    for keys, stage in values:
        for key in set(keys):
            pairs[key] += 1
            open_[key] += stage not in FINAL_STAGES
            adopted[key] += stage == PilotStage.adopted
    rows = [GroupCount(key, pairs[key], open_[key], adopted[key]) for key in order if pairs[key]]
    return sorted(rows, key=lambda row: -row.pairs)  # stable: ties keep the reference order


def by_category(scope: Scope) -> list[GroupCount]:
    """Pilots per category of their challenge (all, still open, adopted), most pairs first.

    A challenge with several categories counts in each, so the rows can add up to more than the
    number of pairs; categories without pairs are left out."""
    rows = db.session.execute(
        _pilots_in(scope).with_only_columns(Challenge.categories, Pilot.stage)).tuples()
    return _group([(categories or ["other"], stage) for categories, stage in rows],
                  list(CATEGORIES))


def by_prefecture(scope: Scope) -> list[GroupCount]:
    """Pilots per prefecture of the challenge's municipality (all, still open, adopted), most
    pairs first; prefectures without pairs are left out."""
    rows = db.session.execute(
        _pilots_in(scope).join(Organisation, Challenge.organisation_id == Organisation.id)
        .with_only_columns(Organisation.prefecture, Pilot.stage)).tuples()
    return _group([([code or ""], stage) for code, stage in rows], [*PREFECTURES, ""])


# --- time in stages ----------------------------------------------------------------------------

@dataclass(frozen=True)
class StageDuration:
    stage: str
    median_days: float | None  # None when no pair has been in the stage
    pairs: int  # how many pilots the median is taken over


def median_days(scope: Scope, now: datetime | None = None) -> list[StageDuration]:
    """Median whole days a pilot spends in each pipeline stage (紹介 to 予算化).

    Per pilot, the days are those of its page (`pilots.days_in_stages`, from its history events:
    a stage runs until the next event; the current stage of an open pilot counts up to now);
    the median is over the pilots that have been in the stage."""
    now = now or datetime.now(TOKYO)
    spent: dict[str, list[int]] = defaultdict(list)
    scoped = {p.id: p for p in db.session.scalars(_pilots_in(scope))}
    for pilot_id, events in _pilot_events(scope).items():
        for stage, days in pilots.days_in_stages(scoped[pilot_id], events, now):
            spent[stage].append(days)
    return [StageDuration(stage.value, statistics.median(spent[stage]) if spent[stage] else None,
                          len(spent[stage]))
            for stage in PILOT_PIPELINE if stage not in FINAL_STAGES]


# --- outcomes ----------------------------------------------------------------------------------

def not_adopted_reasons(scope: Scope) -> dict[str, int]:
    """Pilots that ended 不採用, per recorded reason (every reason listed, 0 where none)."""
    counts = Counter(db.session.scalars(
        _pilots_in(scope).where(Pilot.stage == PilotStage.not_adopted)
        .with_only_columns(Pilot.not_adopted_reason)))
    return {reason: counts.get(reason, 0) for reason in NOT_ADOPTED_REASONS}


@dataclass(frozen=True)
class MonthCount:
    month: date  # the first day of the month (Japan time)
    by_kind: dict[str, int]  # every marketing kind, 0 where none
    total: int


def marketing_by_month(scope: Scope) -> list[MonthCount]:
    """Published marketing activities of the scoped pilots per month of publication (Japan time)
    and kind; every month from the first publication to the last is listed, empty ones as 0."""
    ids = _pilots_in(scope).with_only_columns(Pilot.id)
    rows = db.session.execute(
        select(MarketingActivity.published_at, MarketingActivity.kind)
        .where(MarketingActivity.state == MarketingState.published,
               MarketingActivity.published_at.is_not(None),
               MarketingActivity.pilot_id.in_(ids))).tuples()
    counts: Counter[tuple[date, str]] = Counter()
    for published_at, kind in rows:
        if published_at is None:  # never, by the query
            continue
        if published_at.tzinfo is None:  # SQLite hands back naive UTC
            published_at = published_at.replace(tzinfo=UTC)
        local = published_at.astimezone(TOKYO)
        counts[(date(local.year, local.month, 1), str(kind))] += 1
    if not counts:
        return []
    first, last = min(m for m, _k in counts), max(m for m, _k in counts)
    months, month = [], first
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return [MonthCount(m, {k: counts[(m, k)] for k in MARKETING_KINDS},
                       sum(counts[(m, k)] for k in MARKETING_KINDS)) for m in months]
