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
from govtech.services import access, challenges, introductions, readiness, recommendations

bp = Blueprint("recommendations", __name__, url_prefix="/recommendations")


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(validators=[Length(max=200)])
    category = SelectField(validators=[Optional()])
    prefecture = PrefectureField(validators=[Optional()], blank="—")
    min_score = FloatField(validators=[Optional(), finite, NumberRange(min=0, max=2)])
    level = SelectField(validators=[Optional()])
    sort = SelectField(validators=[Optional()])


LEVEL_FILTERS = {"": ("high", "medium"), "high": ("high",)}


@bp.get("/")
def list_recommendations():
    form = FilterForm(request.args)
    form.category.choices = [("", _("All"))] + reference.category_choices()
    form.level.choices = [("", _("High and medium")), ("high", _("High only"))]
    form.sort.choices = [("", _("Best match first")), ("interest", _("Interest first"))]
    form.validate()
    flags = access.flags(current_user)
    filters = recommendations.Filters(
        q=form.q.data or "", category=form.category.data or "",
        prefecture=form.prefecture.data or "",
        min_score=(None if form.min_score.errors or not flags["is_manager"]
                   else form.min_score.data),
        proven_only=request.args.get("proven") == "1",
        levels=LEVEL_FILTERS.get(form.level.data or "", LEVEL_FILTERS[""]),
        sort=(form.sort.data or "") if flags["is_manager"] else "",
        min_readiness=_min_readiness())
    page = pages.list_page(recommendations.visible_query(current_user, filters))
    others: list = []
    other_count = 0
    if "medium" in filters.levels and filters.min_score is None:
        others, other_count = recommendations.folded(current_user, filters)
    shown = [*page.items, *others]
    rows = recommendations.with_explanations(page.items, current_user)
    other_rows = recommendations.with_explanations(others, current_user)
    _with_readiness([*rows, *other_rows])
    return render_template(
        "recommendations/list.html", form=form, page=page,
        accepting={rec.challenge_id for rec in shown
                   if flags["is_startup"] and challenges.accepts_proposals(rec.challenge)},
        rows=rows, others=other_rows, min_readiness=filters.min_readiness,
        can_filter_readiness=readiness.filters_for(current_user),
        other_count=other_count, args=pages.list_args(), applied=pages.applied_filters(),
        can_review=flags["is_manager"],
        card_mode=_card_mode(flags), proven_only=filters.proven_only)


def _min_readiness() -> int | None:
    """`?readiness=` (towns and managers): a level 1..3, anything else ignored."""
    value = request.args.get("readiness", type=int)
    return value if readiness.filters_for(current_user) and value in (1, 2, 3) else None


def _with_readiness(rows: list[dict]) -> None:
    """Each card's startup readiness level for towns and managers (one query for the page):
    the cards' badge (templates/macros/readiness.html)."""
    if not readiness.filters_for(current_user):
        return
    levels = readiness.levels_for({row["rec"].startup_id for row in rows})
    for row in rows:
        row["readiness"] = levels.get(row["rec"].startup_id, 0)


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


@bp.post("/<int:rec_id>/interest")
def interest(rec_id: int):
    _act(rec_id, lambda rec: recommendations.express_interest(current_user, rec),
         _("Your interest is recorded; the programme office sees it and will be in touch."))
    return redirect(_back())


@bp.post("/<int:rec_id>/interest/withdraw")
def withdraw_interest(rec_id: int):
    _act(rec_id, lambda rec: recommendations.withdraw_interest(current_user, rec),
         _("Your interest is withdrawn."))
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


def _selected(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit()][:introductions.BULK_LIMIT]


@bp.route("/bulk", methods=["GET", "POST"])
def bulk():
    """The bulk bar's next step: a page naming every selected pair and everyone an
    introduction writes to (GET); only its confirm button (POST with confirmed=1) acts."""
    source = request.form if request.method == "POST" else request.args
    ids = _selected(source.getlist("ids"))
    action = "reject" if source.get("reject") else source.get("action", "")
    reason = source.get("reason", "")[:500]
    if request.method == "POST" and source.get("confirmed") == "1":
        if not _valid():
            return redirect(url_for("recommendations.bulk", ids=ids, action=action))
        outcome: list[tuple[int, list[str]]] = []
        if pages.run(lambda: outcome.append(introductions.bulk(current_user, ids, action,
                                                               reason))):
            done, problems = outcome[0]
            flash(_("%(n)d pairs done.", n=done), "success")
            for problem in problems:
                flash(problem, "error")
            return redirect(_back())
        return redirect(url_for("recommendations.bulk", ids=ids, action=action, reason=reason))
    planned = introductions.plan(current_user, ids)
    return render_template("recommendations/bulk.html", planned=planned,
                           organisations=introductions.organisations(planned),
                           action=action if action in ("introduce", "reject") else "",
                           reason=reason, back=_list_url(source.get("next", "")))


def _list_url(target: str) -> str:
    if target.startswith("/recommendations") and not target.startswith("//"):
        return target
    return url_for("recommendations.list_recommendations")


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
