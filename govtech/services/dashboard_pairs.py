"""The top of the dashboard: the pairs that need someone, before any chart.

- A municipality or a startup sees its own open pairs, the stuck ones first, each with its next
  step and due date, and the next dates it must keep (milestones of its pairs, proposal
  deadlines of its open challenges).
- A manager sees 滞留案件: the programme's open pairs that have been in their stage longer than
  the programme's median for it.

"Stuck" and "next step" are services.pipeline_status's (`stuck`, `next_step`,
`stage_medians`); the database only narrows the pairs down to those that can be stuck (entered
their stage before the median's threshold), so a page's work does not grow with the programme.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, false, func, select
from sqlalchemy.orm import joinedload, selectinload

from govtech.extensions import db
from govtech.models import (
    Challenge,
    ChallengeState,
    Milestone,
    Pilot,
    Proposal,
    ProposalState,
)
from govtech.models.pilot import FINAL_STAGES
from govtech.services import dashboard_period, pipeline_status
from govtech.services.dashboard import Scope, _pilots_in

SHOWN = 10  # pairs listed at the top of the page; the board has the rest
DATES_SHOWN = 8


@dataclass(frozen=True)
class PairLine:
    pilot: Pilot
    step: pipeline_status.NextStep
    stuck: pipeline_status.Stuck | None
    days: int  # in the current stage


@dataclass(frozen=True)
class PairList:
    lines: list[PairLine]
    total: int  # all such pairs (the list shows the first SHOWN)
    stuck_total: int


@dataclass(frozen=True)
class DateLine:
    day: date
    kind: str  # "milestone" or "deadline"
    title: str  # the milestone's or the challenge's title
    pilot: Pilot | None  # the pair of a milestone
    challenge: Challenge


def _stuck_sql(medians: dict[str, float], now: datetime) -> Any:
    """Pilots that can be stuck: entered their stage at least max(floor(median) + 1,
    MIN_STUCK_DAYS) whole days ago (exactly the pilots pipeline_status.stuck marks)."""
    now = now.astimezone(UTC)
    whens = [(Pilot.stage == stage, Pilot.stage_entered_at <= now - timedelta(
        days=max(math.floor(median) + 1, pipeline_status.MIN_STUCK_DAYS)))
        for stage, median in medians.items()]
    return case(*whens, else_=false()) if whens else false()


def _open(scope: Scope) -> Select[tuple[Pilot]]:
    return _pilots_in(scope).where(Pilot.stage.not_in(FINAL_STAGES))


def _loaded(query: Select[tuple[Pilot]]) -> Select[tuple[Pilot]]:
    """What next_step reads for each listed pair, loaded with the page (no query per pair)."""
    return query.options(joinedload(Pilot.challenge).joinedload(Challenge.organisation),
                         joinedload(Pilot.startup), selectinload(Pilot.milestones),
                         selectinload(Pilot.kpis))


def _lines(pilots: list[Pilot], medians: dict[str, float], now: datetime) -> list[PairLine]:
    return [PairLine(p, pipeline_status.next_step(p), pipeline_status.stuck(p, medians, now),
                     pipeline_status.days_in_stage(p, now)) for p in pilots]


def _count(query: Select[tuple[Pilot]]) -> int:
    return db.session.scalar(query.with_only_columns(func.count(Pilot.id.distinct()))) or 0


def own_pairs(scope: Scope) -> PairList:
    """The scope's open pairs: stuck ones first (longest in their stage first), then by the
    next milestone's due date, then the longest in their stage."""
    now, medians = dashboard_period.clock(), pipeline_status.stage_medians()
    stuck = _stuck_sql(medians, now)
    next_due = (select(func.min(Milestone.due_date))
                .where(Milestone.pilot_id == Pilot.id, Milestone.is_done.is_(False))
                .correlate(Pilot).scalar_subquery())
    query = _open(scope)
    pilots = db.session.scalars(_loaded(query).order_by(
        case((stuck, 0), else_=1), case((next_due.is_(None), 1), else_=0), next_due,
        Pilot.stage_entered_at, Pilot.id).limit(SHOWN)).unique().all()
    return PairList(_lines(list(pilots), medians, now), _count(query),
                    _count(query.where(stuck)))


def stuck_pairs(scope: Scope) -> PairList:
    """滞留案件: the scope's stuck pairs, the longest in their stage first."""
    now, medians = dashboard_period.clock(), pipeline_status.stage_medians()
    query = _open(scope).where(_stuck_sql(medians, now))
    pilots = db.session.scalars(_loaded(query).order_by(
        Pilot.stage_entered_at, Pilot.id).limit(SHOWN)).unique().all()
    lines = [line for line in _lines(list(pilots), medians, now) if line.stuck is not None]
    total = _count(query)
    return PairList(lines, total, total)


def next_dates(scope: Scope) -> list[DateLine]:
    """The next dates of the scope, soonest first (overdue milestones included): milestones not
    done of its open pairs, and proposal deadlines: of a municipality's open challenges, of the
    open challenges a startup has a proposal under review for."""
    milestones = db.session.scalars(
        select(Milestone).join(Milestone.pilot)
        .where(Milestone.is_done.is_(False), Milestone.due_date.is_not(None),
               Milestone.pilot_id.in_(_open(scope).with_only_columns(Pilot.id)))
        .options(joinedload(Milestone.pilot).joinedload(Pilot.challenge),
                 joinedload(Milestone.pilot).joinedload(Pilot.startup))
        .order_by(Milestone.due_date, Milestone.id).limit(DATES_SHOWN)).unique().all()
    lines = [DateLine(m.due_date, "milestone", m.title, m.pilot, m.pilot.challenge)
             for m in milestones if m.due_date is not None]
    if scope.kind == "municipality":
        whose = Challenge.organisation_id == scope.org_id
    else:  # a startup: the challenges it has a proposal under review for
        whose = Challenge.id.in_(select(Proposal.challenge_id).where(
            Proposal.startup_id == scope.org_id,
            Proposal.state.in_((ProposalState.submitted, ProposalState.shortlisted))))
    challenges = db.session.scalars(
        select(Challenge).where(whose, Challenge.state == ChallengeState.open,
                                Challenge.deadline >= dashboard_period.today())
        .order_by(Challenge.deadline, Challenge.id).limit(DATES_SHOWN)).all()
    lines += [DateLine(c.deadline, "deadline", c.title, None, c)
              for c in challenges if c.deadline is not None]
    return sorted(lines, key=lambda line: line.day)[:DATES_SHOWN]
