"""Recommendations: one's own pairs, the managers' review queue, dismissing, rebuilding."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import FloatField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from govtech import reference
from govtech.extensions import db
from govtech.forms import PrefectureField
from govtech.services import recommendations
from govtech.services.errors import DomainError

bp = Blueprint("recommendations", __name__, url_prefix="/recommendations")


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(validators=[Length(max=200)])
    category = SelectField(validators=[Optional()])
    prefecture = PrefectureField(validators=[Optional()], blank="—")
    min_score = FloatField(validators=[Optional(), NumberRange(min=0, max=2)])


@bp.get("/")
def list_recommendations():
    form = FilterForm(request.args)
    form.category.choices = [("", _("All"))] + reference.category_choices()
    form.validate()
    filters = recommendations.Filters(
        q=form.q.data or "", category=form.category.data or "",
        prefecture=form.prefecture.data or "",
        min_score=None if form.min_score.errors else form.min_score.data,
        proven_only=request.args.get("proven") == "1")
    page = db.paginate(recommendations.visible_query(current_user, filters), per_page=20,
                       error_out=False)
    args = {k: v for k, v in request.args.items() if k not in ("page", "lang") and v}
    return render_template("recommendations/list.html", form=form, page=page,
                           rows=recommendations.with_explanations(page.items), args=args,
                           run=recommendations.latest_run() if current_user.is_manager else None)


def _back() -> str:
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("recommendations.list_recommendations")


def _review(rec_id: int, action) -> None:
    """Run one manager action on one pair, telling the manager how it went."""
    if not FlaskForm().validate_on_submit():
        flash(_("The request was not valid. Please try again."), "error")
        return
    rec = recommendations.get_for(current_user, rec_id)
    try:
        message = action(rec)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(message, "success")


@bp.post("/<int:rec_id>/dismiss")
def dismiss(rec_id: int):
    def act(rec):
        recommendations.dismiss(current_user, rec, request.form.get("reason", "")[:500])
        return _("The recommendation is hidden. It comes back only if one of the texts changes.")
    _review(rec_id, act)
    return redirect(_back())


@bp.post("/<int:rec_id>/introduce")
def introduce(rec_id: int):
    def act(rec):
        pilot = recommendations.introduce(current_user, rec, request.form.get("note", "")[:500])
        return _("%(startup)s is introduced to %(town)s; the pair is now on the pilot board.",
                 startup=pilot.startup.name, town=rec.challenge.organisation.name)
    _review(rec_id, act)
    return redirect(_back())


@bp.post("/<int:rec_id>/reject")
def reject(rec_id: int):
    def act(rec):
        recommendations.reject(current_user, rec, request.form.get("reason", "")[:500])
        return _("The pair is rejected and will not be suggested again unless a text changes.")
    _review(rec_id, act)
    return redirect(_back())


@bp.post("/<int:rec_id>/note")
def save_note(rec_id: int):
    def act(rec):
        recommendations.set_note(current_user, rec, request.form.get("note", "")[:2000])
        return _("The note is saved.")
    _review(rec_id, act)
    return redirect(_back())


@bp.post("/bulk")
def bulk():
    if not FlaskForm().validate_on_submit():
        flash(_("The request was not valid. Please try again."), "error")
        return redirect(_back())
    ids = [int(value) for value in request.form.getlist("ids") if value.isdigit()]
    if not ids:
        flash(_("Select at least one pair."), "error")
        return redirect(_back())
    try:
        done, problems = recommendations.bulk(current_user, ids, request.form.get("action", ""),
                                              request.form.get("reason", "")[:500])
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("%(n)d pairs done.", n=done), "success")
        for problem in problems:
            flash(problem, "error")
    return redirect(_back())


@bp.route("/rebuild", methods=["GET", "POST"])
def rebuild():
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            flash(_("The request was not valid. Please try again."), "error")
        else:
            try:
                recommendations.start_rebuild(current_user)
            except DomainError as error:
                flash(error.message, "error")
        return redirect(url_for("recommendations.rebuild"))
    run = recommendations.latest_run()
    running = run is not None and run.state in ("queued", "running")
    return render_template("recommendations/rebuild.html", run=run, running=running,
                           percent=int(100 * run.done / run.total) if run and run.total else 0)
