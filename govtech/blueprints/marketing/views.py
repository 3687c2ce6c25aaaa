"""Joint marketing: the list, the month calendar, an activity's page, its forms and actions."""
from __future__ import annotations

from babel.dates import format_skeleton, get_day_names
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from govtech.blueprints import pages
from govtech.blueprints.cases import figures
from govtech.blueprints.marketing import month
from govtech.blueprints.marketing.forms import ActivityForm, ApproveForm, FilterForm, MoveForm
from govtech.labels import state_label
from govtech.models.marketing import APPROVAL_SIDES
from govtech.services import challenges, marketing, marketing_lists, pilots
from govtech.text import render_markdown

bp = Blueprint("marketing", __name__)


@bp.get("/marketing/")
def list_activities():
    form = FilterForm(request.args)
    form.validate()
    filters = marketing_lists.Filters(q=form.q.data or "", kind=form.kind.data or "",
                                state=form.state.data or "")
    page = pages.list_page(marketing_lists.list_query(current_user, filters), per_page=20)
    return render_template("marketing/list.html", form=form, page=page, args=pages.list_args(),
                           applied=pages.applied_filters())


@bp.get("/marketing/calendar")
def calendar():
    today = challenges.today()
    first = month.parse(request.args.get("month"), today)
    locale = get_locale()
    names = get_day_names("abbreviated", locale=locale)
    weeks = month.grid(marketing_lists.planned_between(current_user, first, month.shift(first, 1)),
                       first, today)
    return render_template(
        "marketing/calendar.html", weeks=weeks,
        count=sum(len(day["items"]) for week in weeks for day in week),
        title=format_skeleton("yMMMM", first, locale=locale),
        weekdays=[names[(6 + i) % 7] for i in range(7)], day_names=names,
        prev=month.shift(first, -1).strftime("%Y-%m"),
        next=month.shift(first, 1).strftime("%Y-%m"),
        this_month=today.strftime("%Y-%m"))


def _approvals(activity) -> list[dict]:
    labels = {"municipality": activity.pilot.challenge.organisation.name,
              "startup": activity.pilot.startup.name, "manager": _("Programme office")}
    return [{"side": who, "label": labels[who], "by": activity.approval(who)[0],
             "at": activity.approval(who)[1]} for who in APPROVAL_SIDES]


def _page(activity, status: int = 200, move_form=None):
    """The activity's page, with a refused move form (and its comment) kept in place."""
    moves = []
    for target in marketing.allowed_targets(current_user, activity):
        form = move_form if move_form is not None and move_form.target.data == target else \
            MoveForm(formdata=None, target=target, version=activity.version)
        moves.append({"target": target, "form": form,
                      "send_back": activity.state == "in_review" and target == "drafting"})
    return render_template(
        "marketing/show.html", activity=activity, body=render_markdown(activity.body),
        approvals=_approvals(activity), moves=moves,
        can_approve=marketing.may_approve(current_user, activity),
        can_refresh=activity.figures_changed and marketing.can_see(current_user, activity),
        live_figures=figures.rows(activity.pilot.kpis),
        snapshot=figures.rows(activity.kpi_snapshot or []),
        approve_form=ApproveForm(formdata=None, version=activity.version),
        can_edit=activity.is_open, side=marketing.side(current_user, activity),
        events=marketing.timeline(current_user, activity)), status


@bp.get("/marketing/<int:activity_id>")
def show_activity(activity_id: int):
    return _page(marketing.get_visible(current_user, activity_id))


def _version(form) -> int:
    """The version the form was built on; a mangled one counts as out of date."""
    value = form.version.data or ""
    return int(value) if value.isdigit() else -1


def _form_page(pilot, activity=None):
    """New and edit share one page: preview renders the Markdown, save goes to the service."""
    form = ActivityForm(obj=activity)
    if request.method == "GET" and activity is not None:
        form.version.data = activity.version
    preview = None
    if "preview" in request.form:
        if form.validate_on_submit():
            preview = render_markdown(form.body.data)
    else:
        saved = pages.save(form, lambda: (
            marketing.create(current_user, pilot, **form.values()) if activity is None else
            marketing.update(current_user, activity, _version(form), **form.values())),
            _("The marketing activity is saved."))
        if saved is not None:
            return redirect(url_for("marketing.show_activity", activity_id=saved.id))
    return render_template("marketing/form.html", form=form, pilot=pilot, activity=activity,
                           preview=preview), pages.status(form)


@bp.route("/pilots/<int:pilot_id>/marketing/new", methods=["GET", "POST"])
def new_activity(pilot_id: int):
    return _form_page(pilots.get_visible(current_user, pilot_id))


@bp.route("/marketing/<int:activity_id>/edit", methods=["GET", "POST"])
def edit_activity(activity_id: int):
    activity = marketing.get_visible(current_user, activity_id)
    if not activity.is_open:
        flash(_("A published or cancelled activity can no longer be edited."), "error")
        return redirect(url_for("marketing.show_activity", activity_id=activity_id))
    return _form_page(activity.pilot, activity)


def _to_activity(activity_id: int):
    return redirect(url_for("marketing.show_activity", activity_id=activity_id))


@bp.post("/marketing/<int:activity_id>/approve")
def approve(activity_id: int):
    activity = marketing.get_visible(current_user, activity_id)
    form = ApproveForm()
    if not form.validate_on_submit():
        flash(_("The request was not valid. Please try again."), "error")
    elif pages.run(lambda: marketing.approve(current_user, activity, _version(form))):
        flash(_("Approved. The activity is now: %(state)s.",
                state=state_label(activity.state)), "success")
    return _to_activity(activity_id)


@bp.post("/marketing/<int:activity_id>/refresh-figures")
def refresh_figures(activity_id: int):
    """Ask the three sides to approve the pilot's current KPIs (the figures changed)."""
    activity = marketing.get_visible(current_user, activity_id)
    form = ApproveForm()
    if not form.validate_on_submit():
        flash(_("The request was not valid. Please try again."), "error")
    else:
        pages.run(lambda: marketing.refresh_figures(current_user, activity, _version(form)),
                  _("The new figures are sent to all three sides for approval."))
    return _to_activity(activity_id)


@bp.post("/marketing/<int:activity_id>/move")
def move(activity_id: int):
    activity = marketing.get_visible(current_user, activity_id)
    form = MoveForm()
    if pages.submit(form, pages.confirmed_first(lambda: marketing.transition(
            current_user, activity, form.target.data, form.note.data or "",
            expected_version=_version(form)), needed=form.target.data == "cancelled")):
        flash(_("The activity is now: %(state)s.", state=state_label(activity.state)),
              "success")
        return _to_activity(activity_id)
    if form.target.errors or form.version.errors:  # not sent from our page
        flash(_("The request was not valid. Please try again."), "error")
        return _to_activity(activity_id)
    if _version(form) != activity.version:  # it changed meanwhile: show it as it is now
        for error in form.form_errors:
            flash(error, "error")
        return _to_activity(activity_id)
    return _page(activity, 400, move_form=form)
