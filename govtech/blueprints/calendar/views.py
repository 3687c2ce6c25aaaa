"""A municipality's budget calendar and 少額随意契約 limits (issue 17, part 2)."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech.blueprints import pages
from govtech.blueprints.calendar.forms import CalendarForm
from govtech.services import access, budget_calendar

bp = Blueprint("calendar", __name__, url_prefix="/calendar")


def _page(org, form: CalendarForm | None = None):
    calendar = budget_calendar.for_town(org)
    if form is None:
        form = CalendarForm(formdata=None)
        form.load(calendar)
    upcoming = budget_calendar.next_request_deadline(org, calendar=calendar)
    return render_template(
        "calendar/edit.html", org=org, form=form, calendar=calendar, upcoming=upcoming,
        today=budget_calendar.today(),
        council=calendar.council(upcoming.year + 1), funded_year=upcoming.year + 1,
        large=budget_calendar.is_large(org), effective=budget_calendar.CEILINGS_EFFECTIVE,
        events=budget_calendar.timeline(current_user, org),
        is_own=access.acts_for(current_user, org.id)), pages.status(form)


def _version(form: CalendarForm) -> int | None:
    value = form.version.data or ""
    return int(value) if value.isdigit() else None


@bp.get("/")
def own_calendar():
    """The user's own town; the programme office chooses a town first."""
    if access.manager(current_user):
        q = request.args.get("q", "")
        return render_template("calendar/towns.html", q=q, args=pages.list_args(),
                               page=pages.list_page(budget_calendar.towns_query(q)))
    return _page(budget_calendar.get_town(current_user, None))


@bp.route("/<int:town_id>", methods=["GET", "POST"])
def town_calendar(town_id: int):
    org = budget_calendar.get_town(current_user, town_id)
    if request.method == "GET":
        return _page(org)
    form = CalendarForm()
    if pages.save(form, lambda: budget_calendar.update(
            current_user, org, expected_version=_version(form), **form.values()),
            _("The budget calendar is saved.")):
        return redirect(url_for("calendar.town_calendar", town_id=org.id))
    return _page(org, form)
