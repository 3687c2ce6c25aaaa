"""Pairs (pilots): the board as a list, one pair with its next step and checklist, stage moves,
KPIs, milestones and the results report. The same service functions as the pilot pages
(services.pilots, services.pipeline_status); a pilot's `version` counts its stage moves."""
from __future__ import annotations

from flask import Response
from flask_login import current_user

from govtech.api import paging
from govtech.api.declare import check_if_match, if_match, ok, operation
from govtech.api.schemas_common import Page
from govtech.api.schemas_pilots import (
    ChallengeRef,
    ChecklistItemOut,
    KpiIn,
    KpiList,
    KpiOut,
    KpiPatch,
    MilestoneDoneIn,
    MilestoneIn,
    MilestoneList,
    MilestoneOut,
    MoveIn,
    NextStepOut,
    OrganisationRef,
    PilotDetailOut,
    PilotOut,
    PilotQuery,
    ReportIn,
    ReportOut,
)
from govtech.models import Milestone, Pilot, PilotKPI, PilotStage
from govtech.services import pilots, pipeline_status

TAG = "pilots"


def challenge_ref(challenge) -> ChallengeRef:
    return ChallengeRef(id=challenge.id, title=challenge.title,
                        municipality=OrganisationRef.model_validate(challenge.organisation))


def _pilot_fields(pilot: Pilot) -> dict:
    step = pipeline_status.next_step(pilot)
    return {
        "id": pilot.id, "updated_at": pilot.updated_at, "version": pilot.version,
        "challenge": challenge_ref(pilot.challenge),
        "startup": OrganisationRef.model_validate(pilot.startup),
        "stage": pilot.stage.value, "stage_entered_at": pilot.stage_entered_at,
        "days_in_stage": pipeline_status.days_in_stage(pilot),
        "started_at": pilot.started_at, "closed_at": pilot.closed_at, "is_open": pilot.is_open,
        "frozen": pilots.is_frozen(pilot), "not_adopted_reason": pilot.not_adopted_reason,
        "next_step": NextStepOut(text=step.text, side=step.side, due=step.due),  # type: ignore[arg-type]
        "my_side": pilots.side(current_user, pilot),
        "allowed_moves": pilots.allowed_targets(current_user, pilot),
    }


def pilot_out(pilot: Pilot) -> PilotOut:
    return PilotOut.model_validate(_pilot_fields(pilot))


def kpi_out(kpi: PilotKPI) -> KpiOut:
    pilot = kpi.pilot
    return KpiOut(id=kpi.id, updated_at=pilot.updated_at, version=pilot.version,
                  pilot_id=pilot.id, name=kpi.name, unit=kpi.unit or "", baseline=kpi.baseline,
                  target=kpi.target, actual=kpi.actual)


def milestone_out(milestone: Milestone) -> MilestoneOut:
    pilot = milestone.pilot
    return MilestoneOut(id=milestone.id, updated_at=pilot.updated_at, version=pilot.version,
                        pilot_id=pilot.id, title=milestone.title, due_date=milestone.due_date,
                        is_done=milestone.is_done)


def report_out(pilot: Pilot) -> ReportOut:
    return ReportOut(id=pilot.id, updated_at=pilot.updated_at, version=pilot.version,
                     verified=pilot.verified or "", learned=pilot.learned or "",
                     changed=pilot.changed or "",
                     adoption_decision=pilot.adoption_decision or "",
                     complete=pilot.has_report, may_decide=pilots.may_decide(current_user, pilot))


def detail_out(pilot: Pilot) -> PilotDetailOut:
    return PilotDetailOut.model_validate(_pilot_fields(pilot) | {
        "checklist": [ChecklistItemOut.model_validate(item)
                      for item in pipeline_status.checklist(pilot)],
        "kpis": [kpi_out(k) for k in pilot.kpis],
        "milestones": [milestone_out(m) for m in pilots.sorted_milestones(pilot)],
        "report": report_out(pilot)})


@operation("GET", "/pilots", tag=TAG, query=PilotQuery, response=Page[PilotOut],
           mirrors=("pilots.board",))
def list_pilots(query: PilotQuery) -> Response:
    """List pairs

    The pairs of the pipeline board the caller may see (its own pairs; every pair for the
    programme office), with the board's search and 「自分の案件」 filters, and a stage filter.
    Ordered by `updated_at`, then `id`.
    """
    stmt = pilots.board_query(current_user, pilots.Filters(q=query.q, mine=query.mine))
    if query.stage is not None:
        stmt = stmt.where(Pilot.stage == PilotStage(query.stage))
    page = paging.paginate(stmt, key=(Pilot.updated_at, Pilot.id), query=query)
    return paging.respond(page, [pilot_out(p) for p in page.items])


@operation("GET", "/pilots/<int:pilot_id>", tag=TAG, response=PilotDetailOut,
           mirrors=("pilots.show_pilot",))
def get_pilot(pilot_id: int) -> Response:
    """Read a pair

    The pair with its next step and whose side it waits on, the current stage's checklist, the
    moves the caller may make, its KPIs, milestones and results report. Parties and managers
    only; 404 for everyone else.
    """
    pilot = pilots.get_visible(current_user, pilot_id)
    return ok(detail_out(pilot), record=pilot)


@operation("POST", "/pilots/<int:pilot_id>/move", tag=TAG, body=MoveIn,
           response=PilotDetailOut,
           mirrors=("pilots.move",))
def move_pilot(pilot_id: int, body: MoveIn) -> Response:
    """Move a pair to another stage

    The same rules as the pair's page: which side makes which move (the municipality or the
    office decide selection, agreement, budgeting, adoption), the results report before the pair
    leaves evaluation, a reason for `not_adopted`. Send `If-Match` with the pilot's version:
    a pair someone else moved since gives 412.
    """
    pilot = pilots.get_visible(current_user, pilot_id)
    pilots.move(current_user, pilot, body.stage, body.note, expected_version=if_match(),
                reason=body.reason)
    return ok(detail_out(pilot), record=pilot)


@operation("GET", "/pilots/<int:pilot_id>/report", tag=TAG, response=ReportOut,
           mirrors=("pilots.show_pilot",))
def get_pilot_report(pilot_id: int) -> Response:
    """Read the results report"""
    pilot = pilots.get_visible(current_user, pilot_id)
    return ok(report_out(pilot), record=pilot)


@operation("PATCH", "/pilots/<int:pilot_id>/report", tag=TAG, body=ReportIn,
           response=ReportOut,
           mirrors=("pilots.save_report",))
def save_pilot_report(pilot_id: int, body: ReportIn) -> Response:
    """Write the results report

    Either party writes what was verified, learned and changed; only the municipality and the
    programme office write the adoption decision (a startup sending a different one gets 403
    naming the field). Fields left out stay as they are.
    """
    pilot = pilots.get_visible(current_user, pilot_id)
    check_if_match(pilot)
    sent = {key: value or "" for key, value in body.model_dump(exclude_unset=True).items()}
    pilots.save_report(current_user, pilot, **sent)
    return ok(report_out(pilot), record=pilot)


@operation("GET", "/pilots/<int:pilot_id>/kpis", tag=TAG, response=KpiList,
           mirrors=("pilots.show_pilot",))
def list_pilot_kpis(pilot_id: int) -> Response:
    """List a pair's KPIs"""
    pilot = pilots.get_visible(current_user, pilot_id)
    return ok(KpiList(items=[kpi_out(k) for k in pilot.kpis]), record=pilot)


@operation("POST", "/pilots/<int:pilot_id>/kpis", tag=TAG, body=KpiIn, response=KpiOut,
           status=201,
           mirrors=("pilots.add_kpi",))
def add_pilot_kpi(pilot_id: int, body: KpiIn) -> Response:
    """Add a KPI

    Either party or a manager; not while an organisation of the pair is suspended.
    """
    pilot = pilots.get_visible(current_user, pilot_id)
    check_if_match(pilot)
    kpi = pilots.add_kpi(current_user, pilot, **body.model_dump())
    return ok(kpi_out(kpi), status=201, record=pilot)


@operation("PATCH", "/pilots/<int:pilot_id>/kpis/<int:kpi_id>", tag=TAG, body=KpiPatch,
           response=KpiOut,
           mirrors=("pilots.edit_kpi",))
def edit_pilot_kpi(pilot_id: int, kpi_id: int, body: KpiPatch) -> Response:
    """Correct a KPI or record its actual value

    Fields left out stay as they are; each change is kept in the pair's KPI history.
    """
    pilot = pilots.get_visible(current_user, pilot_id)
    kpi = pilots.get_kpi(pilot, kpi_id)
    check_if_match(pilot)
    pilots.update_kpi(current_user, kpi, **body.model_dump(exclude_unset=True))
    return ok(kpi_out(kpi), record=pilot)


@operation("GET", "/pilots/<int:pilot_id>/milestones", tag=TAG, response=MilestoneList,
           mirrors=("pilots.show_pilot",))
def list_pilot_milestones(pilot_id: int) -> Response:
    """List a pair's milestones"""
    pilot = pilots.get_visible(current_user, pilot_id)
    return ok(MilestoneList(items=[milestone_out(m) for m in pilots.sorted_milestones(pilot)]),
              record=pilot)


@operation("POST", "/pilots/<int:pilot_id>/milestones", tag=TAG, body=MilestoneIn,
           response=MilestoneOut, status=201,
           mirrors=("pilots.add_milestone",))
def add_pilot_milestone(pilot_id: int, body: MilestoneIn) -> Response:
    """Add a milestone"""
    pilot = pilots.get_visible(current_user, pilot_id)
    check_if_match(pilot)
    milestone = pilots.add_milestone(current_user, pilot, body.title, body.due_date)
    return ok(milestone_out(milestone), status=201, record=pilot)


@operation("PUT", "/pilots/<int:pilot_id>/milestones/<int:milestone_id>/done", tag=TAG,
           body=MilestoneDoneIn, response=MilestoneOut,
           mirrors=("pilots.toggle_milestone",))
def set_milestone_done(pilot_id: int, milestone_id: int, body: MilestoneDoneIn) -> Response:
    """Tick a milestone off (or on again)

    Idempotent: sending the state it already has changes nothing.
    """
    pilot = pilots.get_visible(current_user, pilot_id)
    milestone = pilots.get_milestone(pilot, milestone_id)
    check_if_match(pilot)
    if milestone.is_done != body.is_done:
        pilots.toggle_milestone(current_user, milestone)
    return ok(milestone_out(milestone), record=pilot)
