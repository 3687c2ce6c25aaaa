"""Pilots: the pair's journey from introduction to adoption, with its KPIs, milestones and report.

A pilot is one challenge and one startup. Its stage moves only through `move` (or, from an
accepted proposal, `select_pair`), which checks the transition table, who may make the move, the
stage's required checklist items (services.checklist: a forward move needs each recorded or
waived; ending a pair only the results report), and the version the mover saw; the stage, its
history event and the notifications are written in one unit of work.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from govtech.extensions import db
from govtech.labels import NOT_ADOPTED_REASONS, stage_label
from govtech.models import (
    Challenge,
    HistoryEvent,
    Milestone,
    Organisation,
    OrgKind,
    Pilot,
    PilotKPI,
    PilotStage,
    User,
)
from govtech.models.base import utcnow
from govtech.models.pilot import FINAL_STAGES
from govtech.services import (
    access,
    catalogue,
    challenges,
    checklist,
    history,
    kpis,
    listsearch,
    notifications,
    pipeline_status,
    recommendations,
    transaction,
    workflow,
)
from govtech.services.errors import DomainError, PermissionDenied

PIPELINE = workflow.PILOT_PIPELINE
REPORT_FIELDS = ("verified", "learned", "changed", "adoption_decision")
# The version counts stage moves, so this is what a stale write of any kind ran into.
_STALE = _l("Someone else moved this pair while you were looking at it. Reload the page to see "
            "its current stage.")


# --- access ------------------------------------------------------------------------------------

def side(user: User | None, pilot: Pilot) -> str | None:
    """Which side of the pair this user speaks for: municipality, startup, manager or None."""
    return access.side(user, pilot.challenge.organisation_id, pilot.startup_id)


def can_see(user: User | None, pilot: Pilot) -> bool:
    return side(user, pilot) is not None


def get_visible(user: User | None, pilot_id: int) -> Pilot:
    """The pilot if the user is a party to it or a manager; for anyone else it does not exist."""
    pilot = db.session.get(Pilot, pilot_id)
    return access.visible_or_404(pilot, pilot is not None and can_see(user, pilot),
                                 _("This pilot does not exist."))


# No change while the municipality or the startup is suspended (services.kpis, marketing too).
require_not_frozen, is_frozen = workflow.require_not_frozen, workflow.frozen


def _require_party(actor: User, pilot: Pilot) -> str:
    """The actor's side, if it may change the pilot now (a party, and the pilot not frozen)."""
    who = access.require_party(actor, pilot.challenge.organisation_id, pilot.startup_id,
                               _("Only the two parties and the programme office can change "
                                 "this pilot."))
    require_not_frozen(pilot)
    return who


def timeline(user: User | None, pilot: Pilot) -> list[HistoryEvent]:
    """The pair's history, oldest first, for those who may see the pair."""
    access.visible_or_404(pilot, can_see(user, pilot), _("This pilot does not exist."))
    return history.timeline("pilot", pilot.id)


def open_pilot_for(challenge_id: int, startup_id: int) -> Pilot | None:
    """The pair's pilot that has not ended, if any: a pair runs one journey at a time."""
    return db.session.scalar(select(Pilot).where(
        Pilot.challenge_id == challenge_id, Pilot.startup_id == startup_id,
        Pilot.stage.not_in(FINAL_STAGES)))


# --- starting and moving ----------------------------------------------------------------------

def create_pending(actor: User, challenge: Challenge, startup_org: Organisation,
                   stage: PilotStage, note: str) -> Pilot:
    """Add a pilot and its first history event to the caller's unit of work."""
    if startup_org.kind != OrgKind.startup or not startup_org.is_approved:
        raise DomainError(_("Only approved startups can take part in a pilot."))
    if stage in FINAL_STAGES:
        raise DomainError(_("A pilot cannot start at stage %(stage)s.", stage=stage_label(stage)))
    if open_pilot_for(challenge.id, startup_org.id) is not None:
        raise DomainError(_("This startup and this challenge already have a pilot in progress."))
    now = utcnow()
    pilot = Pilot(challenge=challenge, startup=startup_org, stage=stage, stage_entered_at=now,
                  started_at=now)
    pilot.kpis = [PilotKPI(name=name) for name in challenge.success_kpis or []]  # the commitment
    db.session.add(pilot)
    db.session.flush()
    history.record("pilot", pilot.id, actor, None, stage, note)
    return pilot


@transaction.unit_of_work(_STALE)
def start(actor: User, challenge: Challenge, startup_org: Organisation,
          stage: PilotStage = PilotStage.introduced, note: str = "") -> Pilot:
    """Begin a pair's journey, e.g. when a manager introduces a recommended pairing.

    Managers and the municipality that owns the challenge may start one; a pair that already has
    an open pilot is refused rather than given a second, competing timeline.
    """
    access.require(challenges.can_edit(actor, challenge),
                   _("Only the programme office or the municipality can start a pilot for this "
                     "challenge."))
    return create_pending(actor, challenge, startup_org, PilotStage(stage), note)


@transaction.unit_of_work(_STALE)
def select_pair(actor: User, challenge: Challenge, startup_org: Organisation, note: str) -> Pilot:
    """An accepted proposal selects the pair: its open pilot moves up to `selected` (never
    back), or a new one starts there, so the journey keeps one timeline."""
    pilot = open_pilot_for(challenge.id, startup_org.id)
    if pilot is None:
        return create_pending(actor, challenge, startup_org, PilotStage.selected, note)
    if PIPELINE.index(pilot.stage) < PIPELINE.index(PilotStage.selected):
        _enter(actor, pilot, PilotStage.selected, note)
    return pilot


def _enter(actor: User, pilot: Pilot, stage: PilotStage, note: str) -> None:
    """Write the new stage and its history event; the version counts stage moves only (the
    mapper checks it in the UPDATE, so a concurrent move makes this commit fail)."""
    previous, now = pilot.stage, utcnow()
    pilot.stage, pilot.stage_entered_at = stage, now
    pilot.version += 1
    if stage in FINAL_STAGES:
        pilot.closed_at = now
    history.record("pilot", pilot.id, actor, previous, stage, note)


def _may_make(who: str | None, target: str) -> bool:
    """The side table (workflow.PILOT_MOVERS) says whether this side makes this move."""
    return who in workflow.PILOT_MOVERS.get(target, frozenset())


def may_move(user: User | None, pilot: Pilot, target: str) -> bool:
    """Whether `move` would accept this target from this user (ignoring report and reason)."""
    return (target in workflow.PILOT.get(pilot.stage, frozenset()) and not is_frozen(pilot)
            and _may_make(side(user, pilot), target))


def allowed_targets(user: User | None, pilot: Pilot) -> list[str]:
    """The moves to offer: the next stage first, then the ways out."""
    order = [*PIPELINE, PilotStage.not_adopted, PilotStage.withdrawn]
    return [stage.value for stage in order if may_move(user, pilot, stage)]


@transaction.unit_of_work(_STALE)
def move(actor: User, pilot: Pilot, target: str, note: str = "", *, expected_version: int | None,
         reason: str | None = None) -> Pilot:
    """Move the pair to `target`, with its history event, if every rule allows it.

    The version the mover saw is compared first, and again by the UPDATE itself, so of two
    people moving the same pair at once exactly one wins; the other gets ConcurrentChange.
    """
    if target not in PilotStage.__members__:
        raise DomainError(_("Unknown stage."))
    target_stage = PilotStage(target)
    who = _require_party(actor, pilot)
    transaction.check_version(pilot, expected_version)  # a stale page is told so first
    workflow.check(workflow.PILOT, pilot.stage, target_stage, label=stage_label)
    if not _may_make(who, target_stage):
        raise PermissionDenied(_("Only the municipality or the programme office can move the "
                                 "pair to %(stage)s.", stage=stage_label(target_stage)))
    checklist.require_ready(pipeline_status.checklist(pilot), ending=target_stage in (
        PilotStage.not_adopted, PilotStage.withdrawn))  # the gate: the stage's records
    if target_stage == PilotStage.not_adopted and reason not in NOT_ADOPTED_REASONS:
        raise DomainError(_("Choose why the pilot was not adopted."), field="reason")
    # Told first: its queries flush, and the stage's UPDATE is best left to the commit, which
    # turns a concurrent move into ConcurrentChange.
    _tell_the_other_side(actor, pilot, target_stage)
    _enter(actor, pilot, target_stage, note)
    if target_stage == PilotStage.not_adopted:
        pilot.not_adopted_reason, pilot.not_adopted_note = reason, note
    if target_stage == PilotStage.adopted:  # the solution joins the catalogue; 横展開: offer
        catalogue.adopted(actor, pilot)  # the proven solution to other towns
        transaction.after_commit(lambda: recommendations.refresh_quietly("pilot", pilot))
    return pilot


def _tell_the_other_side(actor: User, pilot: Pilot, stage: PilotStage) -> None:
    """Both parties hear of every move they did not make themselves; managers see the board."""
    recipients = [u for org_id in (pilot.startup_id, pilot.challenge.organisation_id)
                  for u in notifications.members(org_id) if u.id != actor.id]
    notifications.notify(recipients, "pilot_moved", url=f"/pilots/{pilot.id}",
                         challenge=pilot.challenge.title, startup=pilot.startup.name,
                         stage=stage.value)


# --- report, KPIs, milestones ------------------------------------------------------------------

@transaction.unit_of_work(_STALE)
def save_report(actor: User, pilot: Pilot, **values: str) -> None:
    """The results report: what was verified, learned and changed (either side), and the
    adoption decision (only the sides workflow.PILOT_REPORT_WRITERS names; a startup sending a
    different decision is refused on that field, one sending none leaves it as it is)."""
    who = _require_party(actor, pilot)
    for key in (k for k in REPORT_FIELDS if k in values):
        value = (values[key] or "").strip()
        if value != (getattr(pilot, key) or "") and who not in workflow.PILOT_REPORT_WRITERS[key]:
            raise PermissionDenied(_("Only the municipality or the programme office can write "
                                     "the adoption decision."), field=key)
        setattr(pilot, key, value)


def may_decide(user: User | None, pilot: Pilot) -> bool:
    """Whether the report form offers this user the adoption decision (else it is shown)."""
    return side(user, pilot) in workflow.PILOT_REPORT_WRITERS["adoption_decision"]


@transaction.unit_of_work(_STALE)
def add_kpi(actor: User, pilot: Pilot, **values) -> PilotKPI:
    """A KPI the pair agreed to measure, with its history event (services.kpis)."""
    return kpis.add(actor, pilot, **values)


def get_kpi(pilot: Pilot, kpi_id: int) -> PilotKPI:
    return kpis.get(pilot, kpi_id)


@transaction.unit_of_work(_STALE)
def update_kpi(actor: User, kpi: PilotKPI, **values) -> PilotKPI:
    """Correct a KPI or record its actual value, with its history event (services.kpis)."""
    return kpis.update(actor, kpi, **values)


@transaction.unit_of_work(_STALE)
def add_milestone(actor: User, pilot: Pilot, title: str, due_date: date | None) -> Milestone:
    """A dated step the pair plans towards; either party may add one."""
    _require_party(actor, pilot)
    if not (title or "").strip():
        raise DomainError(_("Give the milestone a title."), field="title")
    milestone = Milestone(pilot=pilot, title=title.strip(), due_date=due_date)
    db.session.add(milestone)
    return milestone


def get_milestone(pilot: Pilot, milestone_id: int) -> Milestone:
    """One milestone of this pilot (the caller has checked the user may see the pilot)."""
    milestone = db.session.get(Milestone, milestone_id)
    return access.visible_or_404(milestone, milestone is not None
                                 and milestone.pilot_id == pilot.id,
                                 _("This milestone does not exist."))


@transaction.unit_of_work(_STALE)
def toggle_milestone(actor: User, milestone: Milestone) -> Milestone:
    """Tick a milestone off, or on again."""
    _require_party(actor, milestone.pilot)
    milestone.is_done = not milestone.is_done
    return milestone


def sorted_milestones(pilot: Pilot) -> list[Milestone]:
    """By due date, undated ones last, the same on every database."""
    return sorted(pilot.milestones, key=lambda m: (m.due_date is None, m.due_date or date.min,
                                                   m.id))


# --- time in stages ----------------------------------------------------------------------------

def _aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything is stored as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def days_since(value: datetime, now: datetime | None = None) -> int:
    return max(0, ((now or utcnow()) - _aware(value)).days)


def days_in_stages(pilot: Pilot, events: Sequence[HistoryEvent],
                   now: datetime | None = None) -> list[tuple[str, int]]:
    """Whole days spent in each stage, from the timeline (a stage entered twice adds up)."""
    now = now or utcnow()
    spent: dict[str, float] = {}
    for index, event in enumerate(events):
        start = _aware(event.created_at)
        if index + 1 < len(events):
            end = _aware(events[index + 1].created_at)
        else:
            end = now if pilot.is_open else start
        spent[event.to_state] = spent.get(event.to_state, 0) + (end - start).total_seconds()
    return [(stage.value, int(spent[stage] // 86400)) for stage in PIPELINE
            if stage in spent and stage not in FINAL_STAGES]


# --- the board ---------------------------------------------------------------------------------

@dataclass
class Filters:
    q: str = ""
    mine: bool = False  # 「自分の案件」 (pipeline_status.mine_sql)


def board_query(user: User, filters: Filters) -> Select[tuple[Pilot]]:
    """Pairs this user may see (their own, or all for managers), matching `q`: open pairs first
    (the board is for work that moves), each oldest move first, with what their cards show
    (next step, due date) loaded."""
    municipality, startup = aliased(Organisation), aliased(Organisation)
    query = (select(Pilot).join(Pilot.challenge).join(municipality, Challenge.organisation)
             .join(startup, Pilot.startup)
             .options(joinedload(Pilot.challenge).joinedload(Challenge.organisation),
                      joinedload(Pilot.startup), selectinload(Pilot.milestones),
                      selectinload(Pilot.kpis))
             .where(access.own_side(user, municipality=Challenge.organisation_id,
                                    startup=Pilot.startup_id),
                    listsearch.words_match(filters.q, Challenge.title, municipality.name,
                                           startup.name))
             .order_by(Pilot.stage.in_(FINAL_STAGES), Pilot.stage_entered_at, Pilot.id))
    if filters.mine:
        query = query.where(pipeline_status.mine_sql(user, municipality.state, startup.state))
    return query
