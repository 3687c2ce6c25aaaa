"""Challenges: the list (public for open ones), detail, posting, editing and state changes."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech import reference
from govtech.blueprints.challenges.forms import (
    ChallengeFilterForm,
    ChallengeForm,
    ChallengeStateForm,
)
from govtech.extensions import db
from govtech.forms import attach_error
from govtech.labels import state_label
from govtech.models import ChallengeState
from govtech.services import challenges, history, paging, proposals, recommendations
from govtech.services.errors import ConcurrentChange, DomainError
from govtech.text import render_markdown

bp = Blueprint("challenges", __name__, url_prefix="/challenges")


def _filter_form() -> ChallengeFilterForm:
    form = ChallengeFilterForm(request.args)
    form.category.choices = [("", _("All"))] + reference.category_choices()
    form.state.choices = [("", _("Default"))] + [(s.value, state_label(s)) for s in ChallengeState]
    form.validate()
    return form


@bp.get("/")
def list_challenges():
    form = _filter_form()
    filters = challenges.Filters(
        q=form.q.data or "", category=form.category.data or "",
        prefecture=form.prefecture.data or "", budget=None if form.budget.errors else
        form.budget.data, state=form.state.data or "", deadline=form.deadline.data or "",
        sort=form.sort.data or "new", mine=request.args.get("mine") == "1")
    query = challenges.list_query(current_user, filters)
    page = paging.paginate(query, per_page=20) if query is not None else None
    args = {k: v for k, v in request.args.items() if k not in ("page", "lang") and v}
    return render_template("challenges/list.html", form=form, page=page, args=args,
                           signed_in=current_user.is_authenticated and current_user.is_approved,
                           can_post=current_user.is_authenticated and current_user.role ==
                           "municipality" and current_user.is_approved,
                           today=challenges.today())


def _save(form: ChallengeForm, challenge=None):
    """Create or update from a valid form; None (with errors on the form) when refused."""
    try:
        if challenge is None:
            return challenges.create(current_user, **form.values())
        return challenges.update(current_user, challenge, int(form.version.data or 0),
                                 **form.values())
    except DomainError as error:
        attach_error(form, error)
        if isinstance(error, ConcurrentChange):
            db.session.rollback()
        return None


def _form_page(challenge=None):
    """New and edit share one page: preview renders the Markdown, save goes to the service."""
    form = ChallengeForm(obj=challenge)
    if request.method == "GET" and challenge is not None:
        form.version.data = challenge.version
    preview = None
    if form.validate_on_submit():
        if "preview" in request.form:
            preview = render_markdown(form.description.data)
        elif (saved := _save(form, challenge)) is not None:
            flash(_("Your changes are saved.") if challenge else
                  _("The challenge is saved as a draft. Open it when it is ready."), "success")
            return redirect(url_for("challenges.show_challenge", challenge_id=saved.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("challenges/form.html", form=form, preview=preview,
                           challenge=challenge), status


@bp.route("/new", methods=["GET", "POST"])
def new_challenge():
    return _form_page()


@bp.get("/<int:challenge_id>")
def show_challenge(challenge_id: int):
    challenge = challenges.get_visible(current_user, challenge_id)
    full = challenges.can_see_details(current_user, challenge)
    can_edit = challenges.can_edit(current_user, challenge)
    events = db.session.scalars(history.events_for("challenge", challenge.id)).all() \
        if can_edit else []
    return render_template(
        "challenges/show.html", challenge=challenge, full=full, can_edit=can_edit,
        description=render_markdown(challenge.description) if full else None,
        accepting=challenges.accepts_proposals(challenge), events=events,
        actions=challenges.allowed_targets(current_user, challenge),
        can_apply=proposals.can_apply(current_user, challenge),
        own_proposal=proposals.own_active(current_user, challenge),
        can_review=proposals.is_reviewer(current_user, challenge),
        recommended=recommendations.with_explanations(
            recommendations.for_challenge(current_user, challenge)) if can_edit else None)


@bp.route("/<int:challenge_id>/edit", methods=["GET", "POST"])
def edit_challenge(challenge_id: int):
    return _form_page(challenges.get_editable(current_user, challenge_id))


@bp.post("/<int:challenge_id>/state")
def change_state(challenge_id: int):
    challenge = challenges.get_editable(current_user, challenge_id)
    form = ChallengeStateForm()
    if not form.validate_on_submit() or form.state.data not in ChallengeState.__members__:
        flash(_("The request was not valid. Please try again."), "error")
    else:
        try:
            challenges.transition(current_user, challenge, ChallengeState(form.state.data),
                                  form.note.data or "")
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("The challenge is now: %(state)s.", state=state_label(challenge.state)),
                  "success")
    return redirect(url_for("challenges.show_challenge", challenge_id=challenge_id))
