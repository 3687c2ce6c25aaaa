"""Pilots: the pipeline board and a pair's page (stages, timeline, KPIs, milestones, report)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech.blueprints import pages
from govtech.blueprints.pilots import board as drawing
from govtech.blueprints.pilots import panels
from govtech.blueprints.pilots.forms import (
    BoardFilterForm,
    KPIForm,
    MilestoneForm,
    MoveForm,
    ReportForm,
    checklist_forms,
)
from govtech.labels import stage_label
from govtech.models import PilotStage
from govtech.services import checklist, kpis, marketing, pilots, pipeline_status

bp = Blueprint("pilots", __name__, url_prefix="/pilots")
ENDINGS = (PilotStage.not_adopted.value, PilotStage.withdrawn.value)  # confirmed first


@bp.get("/")
def board():
    form = BoardFilterForm(request.args)
    form.validate()
    filters = pilots.Filters(q=form.q.data or "", mine=bool(form.mine.data))
    page = pages.list_page(pilots.board_query(current_user, filters), per_page=100)
    phases, ended = drawing.phases(page.items, pipeline_status.stage_medians())
    return render_template("pilots/board.html", form=form, page=page, args=pages.list_args(),
                           phases=phases, ended=ended, mine=filters.mine)


def _page(pilot, status: int = 200, *, move_form: MoveForm | None = None,
          checklist_form: tuple | None = None, **forms):
    """The pair's page, with any submitted form (and its errors) in place of a blank one."""
    events = pilots.timeline(current_user, pilot)
    items = pipeline_status.checklist(pilot)
    blank = {"report_form": ReportForm(formdata=None, obj=pilot),
             "kpi_form": KPIForm(formdata=None, prefix="kpi"),
             "milestone_form": MilestoneForm(formdata=None)}
    blank.update(panels.for_pilot(current_user, pilot))
    blank.update(forms)
    moves = []
    for target in pilots.allowed_targets(current_user, pilot):
        form = move_form if move_form is not None and move_form.target.data == target else \
            MoveForm(formdata=None, target=target, version=pilot.version)
        moves.append({"target": target, "label": stage_label(target), "form": form,
                      "ending": target in ENDINGS})
    return render_template(
        "pilots/show.html", pilot=pilot, events=events, steps=drawing.stepper(pilot, events),
        days=pilots.days_in_stages(pilot, events), moves=[m for m in moves if not m["ending"]],
        endings=[m for m in moves if m["ending"]], can_move=bool(moves),
        days_here=pilots.days_since(pilot.stage_entered_at),
        milestones=pilots.sorted_milestones(pilot),
        side=pilots.side(current_user, pilot), frozen=pilots.is_frozen(pilot),
        may_decide=pilots.may_decide(current_user, pilot),
        report_needed=pilot.stage == PilotStage.evaluation
        and not pilot.has_report, marketing=marketing.for_pilot(current_user, pilot),
        kpi_events=kpis.timeline(current_user, pilot),
        now=drawing.card(pilot, pipeline_status.stage_medians()),
        checklist=items, side_name=pipeline_status.side_name,
        checklist_forms=checklist_forms(items, checklist_form),
        changeable=checklist.changeable(current_user, pilot),
        blocking=checklist.blocking(items) if moves else [],
        story=_story(events, checklist.events(pilot)), item_text=checklist.text,
        **blank), status


def _story(stages: list, records: list) -> list:
    """The pair's timeline: its stage moves and its checklist records, oldest first."""
    return sorted([*stages, *records], key=lambda e: (e.created_at, e.id))


@bp.get("/<int:pilot_id>")
def show_pilot(pilot_id: int):
    return _page(pilots.get_visible(current_user, pilot_id))


def _to_pilot(pilot_id: int, anchor: str | None = None):
    return redirect(url_for("pilots.show_pilot", pilot_id=pilot_id, _anchor=anchor))


@bp.post("/<int:pilot_id>/move")
def move(pilot_id: int):
    pilot = pilots.get_visible(current_user, pilot_id)
    form = MoveForm()
    moved = pages.submit(form, pages.confirmed_first(lambda: pilots.move(
        current_user, pilot, form.target.data, form.note.data or "",
        expected_version=form.version.data, reason=form.reason.data or None),
        needed=form.target.data in ENDINGS))
    if moved:
        flash(_("The pair is now at: %(stage)s.", stage=stage_label(pilot.stage)), "success")
        return _to_pilot(pilot_id)
    if form.target.errors or form.version.errors:  # not sent from our page
        flash(_("The request was not valid. Please try again."), "error")
        return _to_pilot(pilot_id)
    if form.version.data != pilot.version:  # the pair moved on: show where it is now
        for error in form.form_errors:
            flash(error, "error")
        return _to_pilot(pilot_id)
    if not pilots.may_move(current_user, pilot, form.target.data):  # not this side's move: the
        for error in form.form_errors:  # page offers no form to show the refusal in
            flash(error, "error")
        return _page(pilot, pages.refusal_status(form))
    return _page(pilot, 400, move_form=form)


@bp.post("/<int:pilot_id>/report")
def save_report(pilot_id: int):
    pilot = pilots.get_visible(current_user, pilot_id)
    form = ReportForm()
    sent = {k: v for k, v in form.values().items() if getattr(form, k).raw_data}  # a startup's
    # form has no adoption decision: leaving it out keeps the municipality's
    if pages.submit(form, lambda: pilots.save_report(current_user, pilot, **sent),
                    _("The results report is saved.")):
        return _to_pilot(pilot_id, "report")
    return _page(pilot, 400, report_form=form)


@bp.post("/<int:pilot_id>/kpis")
def add_kpi(pilot_id: int):
    pilot = pilots.get_visible(current_user, pilot_id)
    form = KPIForm(prefix="kpi")  # on the pilot page next to the move forms: unique ids
    if pages.submit(form, lambda: pilots.add_kpi(current_user, pilot, **form.values()),
                    _("The KPI is added.")):
        return _to_pilot(pilot_id, "kpis")
    return _page(pilot, 400, kpi_form=form)


@bp.route("/<int:pilot_id>/kpis/<int:kpi_id>", methods=["GET", "POST"])
def edit_kpi(pilot_id: int, kpi_id: int):
    pilot = pilots.get_visible(current_user, pilot_id)
    kpi = pilots.get_kpi(pilot, kpi_id)
    form = KPIForm(obj=kpi)
    if pages.submit(form, lambda: pilots.update_kpi(current_user, kpi, **form.values()),
                    _("The KPI is saved.")):
        return _to_pilot(pilot_id, "kpis")
    return render_template("pilots/kpi_form.html", pilot=pilot, kpi=kpi,
                           form=form), pages.status(form)


@bp.post("/<int:pilot_id>/milestones")
def add_milestone(pilot_id: int):
    pilot = pilots.get_visible(current_user, pilot_id)
    form = MilestoneForm()
    if pages.submit(form, lambda: pilots.add_milestone(current_user, pilot, form.title.data,
                                                       form.due_date.data),
                    _("The milestone is added.")):
        return _to_pilot(pilot_id, "milestones")
    return _page(pilot, 400, milestone_form=form)


@bp.post("/<int:pilot_id>/milestones/<int:milestone_id>/toggle")
def toggle_milestone(pilot_id: int, milestone_id: int):
    pilot = pilots.get_visible(current_user, pilot_id)
    milestone = pilots.get_milestone(pilot, milestone_id)
    pages.run(lambda: pilots.toggle_milestone(current_user, milestone))
    return _to_pilot(pilot_id, "milestones")


# Routes of the pair page's road-to-purchase panels (issue 17), on this blueprint.
from govtech.blueprints.pilots import checklist_pages, evidence_pages  # noqa: E402,F401
