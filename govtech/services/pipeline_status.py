"""Where a pair stands: its next step and whose side it waits on, whether it is stuck, and the
checklist of what it must record to move on from its stage.

Everything here is read-only and derived from existing records (the stage, the results report,
KPIs, milestones, the suspension of a party, the stage history). Pages and the dashboard call
`next_step`, `stuck`, `checklist` and `stage_medians`; the board filters on `waiting_on_sql`,
the same rule written as SQL.

Who a step waits on follows workflow.PILOT_MOVERS for the move out of the stage (the
municipality decides selection, agreement, budget and adoption; either party records the working
steps) and the stage's requirements: the programme office arranges the first meeting of the pair
it introduced, a frozen pair waits on the office to lift the suspension, and a pilot in
evaluation without its results report waits on either party to write it.

The items of each stage, their stable keys and the stored records and waivers are in
services.checklist; this module works out the derived items' state.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from govtech import formatting
from govtech.extensions import db
from govtech.models import HistoryEvent, Milestone, OrgKind, Pilot, PilotStage, User
from govtech.models.base import utcnow
from govtech.models.enums import OrgState
from govtech.models.pilot import FINAL_STAGES
from govtech.services import access, figure_cache, sqltime, workflow
from govtech.services import checklist as records
from govtech.services.access import MANAGER, MUNICIPALITY, STARTUP
from govtech.services.checklist import EITHER, OFFICE, Item
from govtech.services.dashboard import Scope

SIDES = (MUNICIPALITY, STARTUP, OFFICE, EITHER)
MIN_STUCK_DAYS = 7  # below this nobody is stuck, whatever the median says
PHASES = (  # the board's three phases: マッチング / 実証 / 導入
    ("matching", _l("Matching"), (PilotStage.introduced, PilotStage.meeting, PilotStage.proposal)),
    ("trial", _l("Trial"), (PilotStage.selected, PilotStage.agreement, PilotStage.pilot,
                            PilotStage.evaluation)),
    ("adoption", _l("Adoption"), (PilotStage.budgeting, PilotStage.adopted)),
)


@dataclass(frozen=True)
class NextStep:
    stage: str
    text: str  # translated, short: 「協定を締結する」
    side: str | None  # municipality, startup, office or either; None once the pair has ended
    due: date | None  # the next open milestone's due date


@dataclass(frozen=True)
class Stuck:
    days: int
    median: float

    @property
    def text(self) -> str:
        return _("Stuck %(days)d days (median %(median)s days)", days=self.days,
                 median=formatting.number(self.median, decimals=1))


def side_label(side: str | None) -> str:
    """「○○の対応待ち」 for a side."""
    return {MUNICIPALITY: _("Waiting on the municipality"),
            STARTUP: _("Waiting on the startup"),
            OFFICE: _("Waiting on the programme office"),
            EITHER: _("Waiting on either party")}.get(side or "", "")


def side_name(side: str | None) -> str:
    return {MUNICIPALITY: _("Municipality"), STARTUP: _("Startup"),
            OFFICE: _("Programme office"), EITHER: _("Either party")}.get(side or "", "")


def phase_of(stage: str) -> str | None:
    return next((key for key, _label, stages in PHASES if stage in stages), None)


# --- who it waits on -----------------------------------------------------------------------------

def _mover_side(target: PilotStage) -> str:
    movers = workflow.PILOT_MOVERS.get(target, frozenset())
    if STARTUP in movers and MUNICIPALITY in movers:
        return EITHER
    if MUNICIPALITY in movers:
        return MUNICIPALITY
    if STARTUP in movers:
        return STARTUP
    return OFFICE if MANAGER in movers else EITHER


def _following(stage: PilotStage) -> PilotStage | None:
    pipeline = workflow.PILOT_PIPELINE
    index = pipeline.index(stage) if stage in pipeline else None
    return pipeline[index + 1] if index is not None and index + 1 < len(pipeline) else None


def _stage_side(stage: PilotStage) -> str:
    """The side a stage waits on once its requirements are met (the mover of the next stage)."""
    if stage == PilotStage.introduced:
        return OFFICE  # the office arranges the first meeting of the pair it introduced
    following = _following(stage)
    return _mover_side(following) if following is not None else OFFICE


def waits_on(pilot: Pilot) -> str | None:
    """The side whose action moves the pair on; None for a pair that has ended."""
    if not pilot.is_open:
        return None
    if workflow.frozen(pilot):
        return OFFICE
    if pilot.stage == PilotStage.evaluation and not pilot.has_report:
        return _mover_side(PilotStage.evaluation)  # the report writers: either party
    return _stage_side(pilot.stage)


def waiting_on_sql(side: str, *, stage: Any, has_report: ColumnElement[bool],
                   frozen: ColumnElement[bool]) -> ColumnElement[bool]:
    """`waits_on(pilot) == side`, as a WHERE clause over the pilot's columns (the board's
    「自分の案件」 filter pages in SQL). Tested against `waits_on` for every stage."""
    open_stages = [s for s in workflow.PILOT_PIPELINE if s not in FINAL_STAGES]
    whens: list[tuple[ColumnElement[bool], str]] = [(frozen, OFFICE)]
    whens.append((and_(stage == PilotStage.evaluation, ~has_report),
                  _mover_side(PilotStage.evaluation)))
    whens += [(stage == s, _stage_side(s)) for s in open_stages]
    return case(*whens, else_=literal("")) == side


def mine_sql(user: User, municipality_state: Any, startup_state: Any) -> ColumnElement[bool]:
    """「自分の案件」 on the board, as a WHERE clause over a pilot joined to its two
    organisations: pairs waiting on the user's side (or on either party); for managers, those
    waiting on the office or that they introduced (the actor of the pilot's first event)."""
    waits = partial(waiting_on_sql, stage=Pilot.stage, has_report=report_written_sql(),
                    frozen=frozen_sql(municipality_state, startup_state))
    if access.manager(user):
        started = select(HistoryEvent.entity_id).where(
            HistoryEvent.entity_type == "pilot", HistoryEvent.from_state.is_(None),
            HistoryEvent.actor_id == user.id)
        return or_(waits(OFFICE), Pilot.id.in_(started))
    mine = MUNICIPALITY if access.acts_for_kind(user, OrgKind.municipality) else STARTUP
    return or_(waits(mine), waits(EITHER))


def report_written_sql() -> ColumnElement[bool]:
    """Pilot.has_report in SQL."""
    return and_(*(func.length(func.trim(func.coalesce(column, ""))) > 0
                  for column in (Pilot.verified, Pilot.learned, Pilot.changed)))


# --- the next step ------------------------------------------------------------------------------

_MOVE_TEXT = {
    PilotStage.introduced: _l("Set up the first meeting"),
    PilotStage.meeting: _l("Receive the startup's proposal"),
    PilotStage.proposal: _l("Decide on the selection"),
    PilotStage.selected: _l("Sign the agreement"),
    PilotStage.agreement: _l("Start the pilot"),
    PilotStage.pilot: _l("Finish the pilot and evaluate it"),
    PilotStage.evaluation: _l("Move on to budgeting"),
    PilotStage.budgeting: _l("Decide on adoption"),
}


def move_text(stage: str) -> str:
    """The move that takes a pair on from `stage`, as a verb: 「初回面談を設定する」."""
    return str(_MOVE_TEXT.get(PilotStage(stage), _("Open page")))


def next_due(pilot: Pilot) -> date | None:
    """The earliest due date among the milestones not yet done."""
    dates = [m.due_date for m in pilot.milestones if not m.is_done and m.due_date is not None]
    return min(dates, default=None)


def next_step(pilot: Pilot) -> NextStep:
    """What must happen to move the pair on, whose side it waits on, and by when.

    Reads the pilot's milestones and KPIs (eager-load them for lists) and its two organisations'
    states; no query of its own."""
    stage = PilotStage(pilot.stage)
    if not pilot.is_open:
        return NextStep(stage.value, _("Ended"), None, None)
    if workflow.frozen(pilot):
        return NextStep(stage.value, _("Lift the suspension"), OFFICE, None)
    side = waits_on(pilot)
    todo = next((item for item in checklist(pilot) if not item.done), None)
    text = todo.text if todo is not None else str(_MOVE_TEXT[stage])
    due = todo.due if todo is not None and todo.due is not None else next_due(pilot)
    return NextStep(stage.value, text, side, due)


# --- the checklist ------------------------------------------------------------------------------

def _dated(milestones: list[Milestone]) -> list[Milestone]:
    return [m for m in milestones if m.due_date is not None]


def checklist(pilot: Pilot) -> list[Item]:
    """What the pair must record to move on from its current stage, each item done (or waived)
    or not, who owes it and its due date if known (services.checklist lists the items of each
    stage and keeps the stored ones); an ended pair has none. No query: the pilot's milestones,
    KPIs and checklist entries come loaded."""
    if not pilot.is_open:
        return []
    milestones, kpis = list(pilot.milestones), list(pilot.kpis)
    open_dates = [m.due_date for m in milestones if m.due_date is not None and not m.is_done]
    due = min(open_dates, default=None)
    baselined = [k for k in kpis if k.baseline is not None and k.target is not None]
    done_milestones = [m for m in milestones if m.is_done]
    measured = [k for k in kpis if k.actual is not None]
    derived = {
        "first_meeting_scheduled": (bool(_dated(milestones)), "", due),
        "first_meeting_held": (bool(done_milestones), "", due),
        "kpis_defined": (bool(kpis) and len(baselined) == len(kpis),
                         f"{len(baselined)} / {len(kpis)}", None),
        "milestones_done": (bool(milestones) and len(done_milestones) == len(milestones),
                            f"{len(done_milestones)} / {len(milestones)}", due),
        "kpi_actuals": (bool(kpis) and len(measured) == len(kpis),
                        f"{len(measured)} / {len(kpis)}", None),
        "results_report": (pilot.has_report, "", None),
        "adoption_decision": (bool((pilot.adoption_decision or "").strip()), "", due),
    }
    return records.items(pilot, derived, due)


def blocking(pilot: Pilot) -> list[Item]:
    """The required items of the stage still open: what stops the move forward."""
    return records.blocking(checklist(pilot))


# --- time in stage ------------------------------------------------------------------------------

def days_in_stage(pilot: Pilot, now: datetime | None = None) -> int:
    entered = pilot.stage_entered_at
    if entered.tzinfo is None:
        entered = entered.replace(tzinfo=utcnow().tzinfo)
    return max(0, ((now or utcnow()) - entered).days)


def stuck(pilot: Pilot, medians: dict[str, float], now: datetime | None = None) -> Stuck | None:
    """Stuck: open, in its stage longer than the programme's median for that stage and at least
    MIN_STUCK_DAYS; None otherwise (or when the stage has no median yet)."""
    if not pilot.is_open:
        return None
    median = medians.get(pilot.stage.value if isinstance(pilot.stage, PilotStage)
                         else str(pilot.stage))
    days = days_in_stage(pilot, now)
    if median is None or days <= median or days < MIN_STUCK_DAYS:
        return None
    return Stuck(days, median)


def stage_medians() -> dict[str, float]:
    """The programme's median whole days spent in each open stage, over completed stays (a
    stage a pilot has left: its history event and the next one). Counted in the database,
    grouped by (stage, days), so only a few hundred rows come back on national data; kept for
    a minute by figure_cache (never in tests)."""
    return figure_cache.remember(Scope("programme"), "stage_medians", _count_medians)[0]


def _count_medians() -> dict[str, float]:
    following = func.lead(HistoryEvent.created_at).over(
        partition_by=HistoryEvent.entity_id, order_by=(HistoryEvent.created_at, HistoryEvent.id))
    stays = (select(HistoryEvent.to_state.label("stage"),
                    HistoryEvent.created_at.label("start"), following.label("end"))
             .where(HistoryEvent.entity_type == "pilot").subquery())
    measured = [s.value for s in workflow.PILOT_PIPELINE if s not in FINAL_STAGES]
    days = sqltime.whole_days(sqltime.seconds_between(stays.c.end, stays.c.start)).label("days")
    rows = db.session.execute(
        select(stays.c.stage, days, func.count())
        .where(stays.c.end.is_not(None), stays.c.stage.in_(measured))
        .group_by(stays.c.stage, days).order_by(stays.c.stage, days)).tuples()
    counts: dict[str, list[tuple[int, int]]] = {}
    for stage, whole, n in rows:
        counts.setdefault(stage, []).append((int(whole), int(n)))
    return {stage: _median(counted) for stage, counted in counts.items()}


def _median(counted: list[tuple[int, int]]) -> float:
    """The median of values given as (value, how many times), in ascending order."""
    total = sum(n for _value, n in counted)
    low, high = (total - 1) // 2, total // 2
    values, seen = [], 0
    for value, n in counted:
        values += [value for position in (low, high) if seen <= position < seen + n]
        seen += n
    return (values[0] + values[1]) / 2


def frozen_sql(municipality_state: Any, startup_state: Any) -> ColumnElement[bool]:
    """workflow.frozen in SQL, over the two organisations' state columns."""
    return or_(municipality_state == OrgState.suspended, startup_state == OrgState.suspended)
