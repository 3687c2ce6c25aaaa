"""Pilots: the pair's journey from introduction to adoption, with its KPIs, milestones and report.

A pilot is one challenge and one startup. Its stage moves only through `move`, which checks the
transition table, who may make the move, the results report, and the version the mover saw; the
stage and its history event are written in one transaction.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import gettext as _
from sqlalchemy import CursorResult, Select, or_, select, update
from sqlalchemy.orm import aliased, joinedload

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
from govtech.services import challenges, history, notifications, recommendations, workflow
from govtech.services.errors import ConcurrentChange, DomainError, NotFound, PermissionDenied

PIPELINE = workflow.PILOT_PIPELINE
REPORT_FIELDS = ("verified", "learned", "changed", "adoption_decision")


# --- access ------------------------------------------------------------------------------------

def side(user: User | None, pilot: Pilot) -> str | None:
    """Which side of the pair this user speaks for: municipality, startup, manager or None."""
    if not (user and user.is_authenticated and user.is_approved):
        return None
    if user.is_manager:
        return "manager"
    if user.organisation_id == pilot.challenge.organisation_id:
        return "municipality"
    if user.organisation_id == pilot.startup_id:
        return "startup"
    return None


def can_see(user: User | None, pilot: Pilot) -> bool:
    return side(user, pilot) is not None


def get_visible(user: User | None, pilot_id: int) -> Pilot:
    """The pilot if the user is a party to it or a manager; for anyone else it does not exist."""
    pilot = db.session.get(Pilot, pilot_id)
    if pilot is None or not can_see(user, pilot):
        raise NotFound(_("This pilot does not exist."))
    return pilot


def _require_party(actor: User, pilot: Pilot) -> str:
    who = side(actor, pilot)
    if who is None:
        raise PermissionDenied(_("Only the two parties and the programme office can change "
                                 "this pilot."))
    return who


def open_pilot_for(challenge_id: int, startup_id: int) -> Pilot | None:
    """The pair's pilot that has not ended, if any: a pair runs one journey at a time."""
    return db.session.scalar(select(Pilot).where(
        Pilot.challenge_id == challenge_id, Pilot.startup_id == startup_id,
        Pilot.stage.not_in(FINAL_STAGES)))


# --- starting and moving ----------------------------------------------------------------------

def create_pending(actor: User, challenge: Challenge, startup_org: Organisation,
                   stage: PilotStage, note: str) -> Pilot:
    """Add a pilot and its first history event to the transaction; the caller commits."""
    if startup_org.kind != OrgKind.startup or not startup_org.is_approved:
        raise DomainError(_("Only approved startups can take part in a pilot."))
    if stage in FINAL_STAGES:
        raise DomainError(_("A pilot cannot start at stage %(stage)s.", stage=stage_label(stage)))
    if open_pilot_for(challenge.id, startup_org.id) is not None:
        raise DomainError(_("This startup and this challenge already have a pilot in progress."))
    now = utcnow()
    pilot = Pilot(challenge=challenge, startup=startup_org, stage=stage, stage_entered_at=now,
                  started_at=now)
    db.session.add(pilot)
    db.session.flush()
    history.record("pilot", pilot.id, actor, None, stage, note)
    return pilot


def start(actor: User, challenge: Challenge, startup_org: Organisation,
          stage: PilotStage = PilotStage.introduced, note: str = "") -> Pilot:
    """Begin a pair's journey, e.g. when a manager introduces a recommended pairing.

    Managers and the municipality that owns the challenge may start one; a pair that already has
    an open pilot is refused rather than given a second, competing timeline.
    """
    if not challenges.can_edit(actor, challenge):
        raise PermissionDenied(_("Only the programme office or the municipality can start a "
                                 "pilot for this challenge."))
    pilot = create_pending(actor, challenge, startup_org, PilotStage(stage), note)
    db.session.commit()
    return pilot


def _check_who(who: str, target: PilotStage) -> None:
    if target == PilotStage.withdrawn and who not in ("startup", "manager"):
        raise PermissionDenied(_("Only the startup or the programme office can withdraw."))
    if target in (PilotStage.adopted, PilotStage.not_adopted) and who not in (
            "municipality", "manager"):
        raise PermissionDenied(_("Only the municipality or the programme office can decide on "
                                 "adoption."))


def may_move(user: User | None, pilot: Pilot, target: str) -> bool:
    """Whether `move` would accept this target from this user (ignoring report and reason)."""
    who = side(user, pilot)
    if who is None or target not in workflow.PILOT.get(pilot.stage, frozenset()):
        return False
    try:
        _check_who(who, PilotStage(target))
    except PermissionDenied:
        return False
    return True


def allowed_targets(user: User | None, pilot: Pilot) -> list[str]:
    """The moves to offer: the next stage first, then the ways out."""
    order = [*PIPELINE, PilotStage.not_adopted, PilotStage.withdrawn]
    return [stage.value for stage in order if may_move(user, pilot, stage)]


def move(actor: User, pilot: Pilot, target: str, note: str = "", *, expected_version: int,
         reason: str | None = None) -> Pilot:
    """Move the pair to `target`, with its history event, if every rule allows it.

    The UPDATE only matches the row while it still has `expected_version`, so of two people
    moving the same pair at once exactly one wins; the other gets ConcurrentChange.
    """
    if target not in PilotStage.__members__:
        raise DomainError(_("Unknown stage."))
    target_stage = PilotStage(target)
    who = _require_party(actor, pilot)
    workflow.check(workflow.PILOT, pilot.stage, target_stage, label=stage_label)
    _check_who(who, target_stage)
    if pilot.stage == PilotStage.evaluation and not pilot.has_report:
        raise DomainError(_("Write the results report (what was verified, what was learned, "
                            "what changed) before the pilot leaves evaluation."), field="verified")
    if target_stage == PilotStage.not_adopted and reason not in NOT_ADOPTED_REASONS:
        raise DomainError(_("Choose why the pilot was not adopted."), field="reason")
    stale = _("Someone else moved this pair while you were looking at it. Reload the page to "
              "see its current stage.")
    if pilot.version != expected_version:
        raise ConcurrentChange(stale)
    now, previous = utcnow(), pilot.stage
    values: dict = {"stage": target_stage, "stage_entered_at": now,
                    "version": Pilot.version + 1}
    if target_stage in FINAL_STAGES:
        values["closed_at"] = now
    if target_stage == PilotStage.not_adopted:
        values |= {"not_adopted_reason": reason, "not_adopted_note": note}
    result: CursorResult = db.session.execute(  # type: ignore[assignment]
        update(Pilot).where(Pilot.id == pilot.id, Pilot.version == expected_version)
        .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise ConcurrentChange(stale)
    history.record("pilot", pilot.id, actor, previous, target_stage, note)
    db.session.commit()  # expires `pilot`: the next read sees the new stage and version
    _tell_the_other_side(actor, pilot, target_stage)
    if target_stage == PilotStage.adopted:  # 横展開: offer the proven solution to other towns
        recommendations.refresh_quietly("pilot", pilot)
    return pilot


def _tell_the_other_side(actor: User, pilot: Pilot, stage: PilotStage) -> None:
    """Both parties hear of every move they did not make themselves; managers see the board."""
    recipients = [u for org_id in (pilot.startup_id, pilot.challenge.organisation_id)
                  for u in notifications.members(org_id) if u.id != actor.id]
    notifications.notify(recipients, "pilot_moved", url=f"/pilots/{pilot.id}",
                         challenge=pilot.challenge.title, startup=pilot.startup.name,
                         stage=stage.value)


# --- report, KPIs, milestones ------------------------------------------------------------------

def save_report(actor: User, pilot: Pilot, **values: str) -> None:
    """The results report: what was verified, learned and changed, and the adoption decision."""
    _require_party(actor, pilot)
    for key in REPORT_FIELDS:
        if key in values:
            setattr(pilot, key, (values[key] or "").strip())
    db.session.commit()


def _check_kpi(values: dict) -> None:
    if not (values.get("name") or "").strip():
        raise DomainError(_("Give the KPI a name."), field="name")


def add_kpi(actor: User, pilot: Pilot, **values) -> PilotKPI:
    """A KPI the pair agreed to measure: baseline, target and, later, the actual value."""
    _require_party(actor, pilot)
    _check_kpi(values)
    kpi = PilotKPI(pilot=pilot, **{k: values.get(k) for k in (
        "name", "unit", "baseline", "target", "actual")})
    kpi.unit = kpi.unit or ""
    db.session.add(kpi)
    db.session.commit()
    return kpi


def get_kpi(pilot: Pilot, kpi_id: int) -> PilotKPI:
    kpi = db.session.get(PilotKPI, kpi_id)
    if kpi is None or kpi.pilot_id != pilot.id:
        raise NotFound(_("This KPI does not exist."))
    return kpi


def update_kpi(actor: User, kpi: PilotKPI, **values) -> PilotKPI:
    _require_party(actor, kpi.pilot)
    _check_kpi(values)
    for key in ("name", "unit", "baseline", "target", "actual"):
        if key in values:
            setattr(kpi, key, values[key] if key != "unit" else values[key] or "")
    db.session.commit()
    return kpi


def add_milestone(actor: User, pilot: Pilot, title: str, due_date: date | None) -> Milestone:
    _require_party(actor, pilot)
    if not (title or "").strip():
        raise DomainError(_("Give the milestone a title."), field="title")
    milestone = Milestone(pilot=pilot, title=title.strip(), due_date=due_date)
    db.session.add(milestone)
    db.session.commit()
    return milestone


def get_milestone(pilot: Pilot, milestone_id: int) -> Milestone:
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or milestone.pilot_id != pilot.id:
        raise NotFound(_("This milestone does not exist."))
    return milestone


def toggle_milestone(actor: User, milestone: Milestone) -> Milestone:
    _require_party(actor, milestone.pilot)
    milestone.is_done = not milestone.is_done
    db.session.commit()
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


def stepper(pilot: Pilot) -> list[dict]:
    """The pipeline as steps (done, current, to come) for the page's stage stepper."""
    current = PIPELINE.index(pilot.stage) if pilot.stage in PIPELINE else None
    reached = current
    if current is None:  # ended early: show how far it got, from the timeline
        stages = db.session.scalars(history.events_for("pilot", pilot.id)).all()
        reached = max((PIPELINE.index(e.to_state) for e in stages if e.to_state in PIPELINE),
                      default=-1)
    return [{"stage": stage.value,
             "state": "current" if index == current else
             "done" if reached is not None and index <= reached else "todo"}
            for index, stage in enumerate(PIPELINE)]


# --- the board ---------------------------------------------------------------------------------

@dataclass
class Filters:
    q: str = ""


def board_query(user: User, filters: Filters) -> Select[tuple[Pilot]]:
    """Pairs this user may see (their own, or all for managers), matching `q`, oldest move first."""
    municipality, startup = aliased(Organisation), aliased(Organisation)
    query = (select(Pilot).join(Pilot.challenge).join(municipality, Challenge.organisation)
             .join(startup, Pilot.startup)
             .options(joinedload(Pilot.challenge).joinedload(Challenge.organisation),
                      joinedload(Pilot.startup)))
    if not user.is_manager:
        query = query.where(or_(Pilot.startup_id == user.organisation_id,
                                Challenge.organisation_id == user.organisation_id))
    words = filters.q.split()
    for word in words[:5]:
        query = query.where(or_(Challenge.title.icontains(word, autoescape=True),
                                municipality.name.icontains(word, autoescape=True),
                                startup.name.icontains(word, autoescape=True)))
    return query.order_by(Pilot.stage_entered_at, Pilot.id)


def columns(pilots: list[Pilot], now: datetime | None = None) -> list[dict]:
    """The board's columns: the pipeline stages, then one for pairs that ended without adoption."""
    now = now or utcnow()
    cards: dict[str, list[dict]] = {stage.value: [] for stage in PIPELINE}
    cards["ended"] = []
    for pilot in pilots:
        key = pilot.stage.value if pilot.stage in PIPELINE else "ended"
        cards[key].append({"pilot": pilot, "days": days_since(pilot.stage_entered_at, now)})
    labels = {stage.value: stage_label(stage) for stage in PIPELINE}
    labels["ended"] = _("Ended")
    return [{"key": key, "label": labels[key], "cards": items} for key, items in cards.items()]
