"""Recommendations: one's own pairs, the managers' review queue, dismissing, rebuilding."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import FloatField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from govtech import reference
from govtech.blueprints import pages
from govtech.forms import PrefectureField, finite
from govtech.services import access, introductions, recommendations

bp = Blueprint("recommendations", __name__, url_prefix="/recommendations")


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(validators=[Length(max=200)])
    category = SelectField(validators=[Optional()])
    prefecture = PrefectureField(validators=[Optional()], blank="—")
    min_score = FloatField(validators=[Optional(), finite, NumberRange(min=0, max=2)])


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
    page = pages.list_page(recommendations.visible_query(current_user, filters))
    flags = access.flags(current_user)
    return render_template("recommendations/list.html", form=form, page=page,
                           rows=recommendations.with_explanations(page.items),
                           args=pages.list_args(), can_review=flags["is_manager"],
                           card_mode=_card_mode(flags), proven_only=filters.proven_only)


def _card_mode(flags: dict[str, bool]) -> str:
    """What each card shows of the pair: the other side of it, or both sides for managers."""
    if flags["is_manager"]:
        return "pair"
    return "company" if flags["is_municipality"] else "challenge"


def _back() -> str:
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("recommendations.list_recommendations")


def _valid() -> bool:
    """A button-only form: its CSRF token is all there is to check."""
    if FlaskForm().validate_on_submit():
        return True
    flash(_("The request was not valid. Please try again."), "error")
    return False


def _act(rec_id: int, action, success: str | None = None) -> None:
    """A button on a pair: check the form, find the pair the user may see, run the service."""
    if _valid():
        rec = recommendations.get_for(current_user, rec_id)
        pages.run(lambda: action(rec), success)


@bp.post("/<int:rec_id>/dismiss")
def dismiss(rec_id: int):
    _act(rec_id, lambda rec: recommendations.dismiss(current_user, rec,
                                                     request.form.get("reason", "")[:500]),
         _("The recommendation is hidden. It comes back only if one of the texts changes."))
    return redirect(_back())


@bp.post("/<int:rec_id>/introduce")
def introduce(rec_id: int):
    def introduce_pair(rec) -> None:
        town = rec.challenge.organisation.name
        introductions.introduce(current_user, rec, request.form.get("note", "")[:500])
        flash(_("%(startup)s is introduced to %(town)s; the pair is now on the pilot board.",
                startup=rec.startup.name, town=town), "success")

    _act(rec_id, introduce_pair)
    return redirect(_back())


@bp.post("/<int:rec_id>/reject")
def reject(rec_id: int):
    _act(rec_id, lambda rec: recommendations.reject(current_user, rec,
                                                    request.form.get("reason", "")[:500]),
         _("The pair is rejected and will not be suggested again unless a text changes."))
    return redirect(_back())


@bp.post("/<int:rec_id>/note")
def save_note(rec_id: int):
    _act(rec_id, lambda rec: recommendations.set_note(current_user, rec,
                                                      request.form.get("note", "")[:2000]),
         _("The note is saved."))
    return redirect(_back())


@bp.post("/bulk")
def bulk():
    if not _valid():
        return redirect(_back())
    ids = [int(value) for value in request.form.getlist("ids") if value.isdigit()]
    if not ids:
        flash(_("Select at least one pair."), "error")
        return redirect(_back())
    outcome: list[tuple[int, list[str]]] = []
    if pages.run(lambda: outcome.append(introductions.bulk(
            current_user, ids, request.form.get("action", ""),
            request.form.get("reason", "")[:500]))):
        done, problems = outcome[0]
        flash(_("%(n)d pairs done.", n=done), "success")
        for problem in problems:
            flash(problem, "error")
    return redirect(_back())


@bp.route("/rebuild", methods=["GET", "POST"])
def rebuild():
    if request.method == "POST":
        if _valid():
            pages.run(lambda: recommendations.start_rebuild(current_user))
        return redirect(url_for("recommendations.rebuild"))
    run = recommendations.latest_run()
    view = recommendations.run_view(run) if run is not None else None
    return render_template("recommendations/rebuild.html", run=run, view=view,
                           running=view is not None and view.active)
