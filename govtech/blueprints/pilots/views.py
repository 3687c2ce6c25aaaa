"""Pilots: the pipeline board and a pair's page (stages, timeline, KPIs, milestones, report)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech.blueprints.pilots.forms import (
    BoardFilterForm,
    KPIForm,
    MilestoneForm,
    MoveForm,
    ReportForm,
)
from govtech.extensions import db
from govtech.forms import attach_error
from govtech.labels import stage_label
from govtech.models import PilotStage
from govtech.services import history, marketing, pilots
from govtech.services.errors import ConcurrentChange, DomainError

bp = Blueprint("pilots", __name__, url_prefix="/pilots")


@bp.get("/")
def board():
    form = BoardFilterForm(request.args)
    form.validate()
    page = db.paginate(pilots.board_query(current_user, pilots.Filters(q=form.q.data or "")),
                       per_page=100, error_out=False)
    args = {k: v for k, v in request.args.items() if k not in ("page", "lang") and v}
    return render_template("pilots/board.html", form=form, page=page, args=args,
                           columns=pilots.columns(page.items))


def _page(pilot, status: int = 200, *, move_form: MoveForm | None = None, **forms):
    """The pair's page, with any submitted form (and its errors) in place of a blank one."""
    events = db.session.scalars(history.events_for("pilot", pilot.id)).all()
    blank = {"report_form": ReportForm(formdata=None, obj=pilot),
             "kpi_form": KPIForm(formdata=None, prefix="kpi"),
             "milestone_form": MilestoneForm(formdata=None)}
    blank.update(forms)
    moves = []
    for target in pilots.allowed_targets(current_user, pilot):
        form = move_form if move_form is not None and move_form.target.data == target else \
            MoveForm(formdata=None, target=target, version=pilot.version)
        moves.append({"target": target, "label": stage_label(target), "form": form})
    return render_template(
        "pilots/show.html", pilot=pilot, events=events, steps=pilots.stepper(pilot),
        days=pilots.days_in_stages(pilot, events), moves=moves,
        days_here=pilots.days_since(pilot.stage_entered_at),
        milestones=pilots.sorted_milestones(pilot),
        side=pilots.side(current_user, pilot), report_needed=pilot.stage == PilotStage.evaluation
        and not pilot.has_report, marketing=marketing.for_pilot(current_user, pilot),
        **blank), status


@bp.get("/<int:pilot_id>")
def show_pilot(pilot_id: int):
    return _page(pilots.get_visible(current_user, pilot_id))


@bp.post("/<int:pilot_id>/move")
def move(pilot_id: int):
    pilot = pilots.get_visible(current_user, pilot_id)
    form = MoveForm()
    if not form.validate_on_submit() or not (form.version.data or "").isdigit():
        flash(_("The request was not valid. Please try again."), "error")
        return redirect(url_for("pilots.show_pilot", pilot_id=pilot_id))
    try:
        pilots.move(current_user, pilot, form.target.data, form.note.data or "",
                    expected_version=int(form.version.data), reason=form.reason.data or None)
    except ConcurrentChange as error:
        flash(error.message, "error")
        return redirect(url_for("pilots.show_pilot", pilot_id=pilot_id))
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return _page(pilot, 400, move_form=form)
    flash(_("The pair is now at: %(stage)s.", stage=stage_label(pilot.stage)), "success")
    return redirect(url_for("pilots.show_pilot", pilot_id=pilot_id))


@bp.post("/<int:pilot_id>/report")
def save_report(pilot_id: int):
    pilot = pilots.get_visible(current_user, pilot_id)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            pilots.save_report(current_user, pilot, **form.values())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("The results report is saved."), "success")
            return redirect(url_for("pilots.show_pilot", pilot_id=pilot_id, _anchor="report"))
    return _page(pilot, 400, report_form=form)


@bp.post("/<int:pilot_id>/kpis")
def add_kpi(pilot_id: int):
    pilot = pilots.get_visible(current_user, pilot_id)
    form = KPIForm(prefix="kpi")  # on the pilot page next to the move forms: unique ids
    if form.validate_on_submit():
        try:
            pilots.add_kpi(current_user, pilot, **form.values())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("The KPI is added."), "success")
            return redirect(url_for("pilots.show_pilot", pilot_id=pilot_id, _anchor="kpis"))
    return _page(pilot, 400, kpi_form=form)


@bp.route("/<int:pilot_id>/kpis/<int:kpi_id>", methods=["GET", "POST"])
def edit_kpi(pilot_id: int, kpi_id: int):
    pilot = pilots.get_visible(current_user, pilot_id)
    kpi = pilots.get_kpi(pilot, kpi_id)
    form = KPIForm(obj=kpi)
    if form.validate_on_submit():
        try:
            pilots.update_kpi(current_user, kpi, **form.values())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("The KPI is saved."), "success")
            return redirect(url_for("pilots.show_pilot", pilot_id=pilot_id, _anchor="kpis"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("pilots/kpi_form.html", pilot=pilot, kpi=kpi, form=form), status


@bp.post("/<int:pilot_id>/milestones")
def add_milestone(pilot_id: int):
    pilot = pilots.get_visible(current_user, pilot_id)
    form = MilestoneForm()
    if form.validate_on_submit():
        try:
            pilots.add_milestone(current_user, pilot, form.title.data, form.due_date.data)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("The milestone is added."), "success")
            return redirect(url_for("pilots.show_pilot", pilot_id=pilot_id,
                                    _anchor="milestones"))
    return _page(pilot, 400, milestone_form=form)


@bp.post("/<int:pilot_id>/milestones/<int:milestone_id>/toggle")
def toggle_milestone(pilot_id: int, milestone_id: int):
    pilot = pilots.get_visible(current_user, pilot_id)
    pilots.toggle_milestone(current_user, pilots.get_milestone(pilot, milestone_id))
    return redirect(url_for("pilots.show_pilot", pilot_id=pilot_id, _anchor="milestones"))
