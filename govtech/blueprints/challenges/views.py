"""Challenges: the list (public for open ones), detail, posting, editing and state changes."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech import reference
from govtech.blueprints import pages
from govtech.blueprints.challenges import panel_readiness
from govtech.blueprints.challenges.forms import (
    ChallengeFilterForm,
    ChallengeForm,
    ChallengeStateForm,
)
from govtech.labels import state_label
from govtech.models import ChallengeState
from govtech.services import access, challenges, commitment, proposals, recommendations
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
        sort=form.sort.data or "new", mine=request.args.get("mine") == "1",
        commitment=form.commitment.data or "")
    query = challenges.list_query(current_user, filters)
    page = pages.list_page(query) if query is not None else None
    pair_of = recommendations.pairs_for_challenges(current_user, page.items) if page else {}
    return render_template("challenges/list.html", form=form, page=page, args=pages.list_args(),
                           pair_of=pair_of,
                           applied=pages.applied_filters(ignore=("sort", "mine")),
                           signed_in=access.member(current_user),
                           show_missing=access.manager(current_user),
                           can_post=challenges.can_post(current_user),
                           today=challenges.today())


def _save(form: ChallengeForm, challenge=None):
    """Create or update through the service; the saved challenge, or None when refused."""
    if challenge is None:
        return challenges.create(current_user, **form.values())
    return challenges.update(current_user, challenge,
                             expected_version=int(form.version.data or 0), **form.values())


def _form_page(challenge=None):
    """New and edit share one page: preview renders the Markdown, save goes to the service."""
    form = ChallengeForm(obj=challenge)
    if request.method == "GET" and challenge is not None:
        form.version.data = challenge.version
    preview = None
    if "preview" in request.form and form.validate_on_submit():
        preview = render_markdown(form.description.data)
    elif (saved := pages.save(form, lambda: _save(form, challenge),
                                _("Your changes are saved.") if challenge else
                                _("The challenge is saved as a draft. Open it when it is "
                                  "ready."))):
        return redirect(url_for("challenges.show_challenge", challenge_id=saved.id))
    return render_template("challenges/form.html", form=form, preview=preview,
                           challenge=challenge), pages.status(form)


@bp.route("/new", methods=["GET", "POST"])
def new_challenge():
    return _form_page()


@bp.get("/<int:challenge_id>")
def show_challenge(challenge_id: int):
    challenge = challenges.get_visible(current_user, challenge_id)
    full = challenges.can_see_details(current_user, challenge)
    can_edit = challenges.can_edit(current_user, challenge)
    events = challenges.timeline(current_user, challenge)
    return render_template(
        "challenges/show.html", challenge=challenge, full=full, can_edit=can_edit,
        route_label=commitment.route_label(challenge.procurement_route),
        fiscal_year=commitment.fiscal_year_label(challenge.adoption_fiscal_year),
        description=render_markdown(challenge.description) if full else None,
        accepting=challenges.accepts_proposals(challenge), events=events,
        actions=challenges.allowed_targets(current_user, challenge),
        can_apply=proposals.can_apply(current_user, challenge),
        own_proposal=proposals.own_active(current_user, challenge),
        can_review=proposals.is_reviewer(current_user, challenge),
        pairs=recommendations.pairs_of_challenge(current_user, challenge) if full else [],
        recommended=recommendations.with_explanations(
            recommendations.for_challenge(current_user, challenge), current_user)
        if can_edit else None, **panel_readiness.context(current_user, challenge))


@bp.route("/<int:challenge_id>/edit", methods=["GET", "POST"])
def edit_challenge(challenge_id: int):
    return _form_page(challenges.get_editable(current_user, challenge_id))


@bp.post("/<int:challenge_id>/state")
def change_state(challenge_id: int):
    challenge = challenges.get_editable(current_user, challenge_id)
    form = ChallengeStateForm()
    if not form.validate_on_submit() or form.state.data not in ChallengeState.__members__:
        flash(_("The request was not valid. Please try again."), "error")
    elif pages.run(pages.confirmed_first(
            lambda: challenges.transition(current_user, challenge,
                                          ChallengeState(form.state.data), form.note.data or ""),
            needed=form.state.data != ChallengeState.open.value)):
        flash(_("The challenge is now: %(state)s.", state=state_label(challenge.state)),
              "success")
    return redirect(url_for("challenges.show_challenge", challenge_id=challenge_id))
