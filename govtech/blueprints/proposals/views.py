"""Proposals: applying to a challenge, the reviewers' side-by-side page, review and withdrawal."""
from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from govtech.blueprints import pages
from govtech.blueprints.proposals.forms import ProposalFilterForm, ProposalForm, ProposalStateForm
from govtech.labels import state_label
from govtech.services import challenges, proposals, readiness
from govtech.services.errors import NotFound, PermissionDenied

bp = Blueprint("proposals", __name__)


def _upload(form: ProposalForm) -> proposals.Upload | None:
    data = form.attachment.data
    if data is None or not getattr(data, "filename", ""):
        return None
    return proposals.Upload(data.filename, data.stream)


def _form_page(form: ProposalForm, challenge, proposal):
    limit = current_app.config["MAX_ATTACHMENT_BYTES"] / 1024 / 1024
    return render_template("proposals/form.html", form=form, challenge=challenge,
                           proposal=proposal, max_attachment_mb=f"{limit:g}"), pages.status(form)


@bp.get("/proposals/")
def list_proposals():
    form = ProposalFilterForm(request.args)
    form.validate()
    minimum = _min_readiness()
    page = pages.list_page(readiness.proposals_filtered(
        proposals.list_query(current_user, form.q.data or ""), minimum), per_page=20)
    return render_template("proposals/list.html", form=form, page=page, args=pages.list_args(),
                           applied=pages.applied_filters(), **_readiness_of(page.items, minimum))


def _min_readiness() -> int | None:
    """`?readiness=` (towns and managers): a level 1..3, anything else ignored."""
    value = request.args.get("readiness", type=int)
    return value if readiness.filters_for(current_user) and value in (1, 2, 3) else None


def _readiness_of(items, minimum: int | None) -> dict:
    """The list's readiness badges (one query for the page) and its filter, for towns and
    managers only."""
    shown = readiness.filters_for(current_user)
    return {"can_filter_readiness": shown, "min_readiness": minimum,
            "readiness_levels": readiness.levels_for({p.startup_id for p in items})
            if shown else {}}


@bp.route("/challenges/<int:challenge_id>/apply", methods=["GET", "POST"])
def new_proposal(challenge_id: int):
    challenge = challenges.get_visible(current_user, challenge_id)
    existing = proposals.own_active(current_user, challenge)
    if existing is not None:
        flash(_("Your startup already has a proposal for this challenge. You can edit it here "
                "until it is shortlisted."), "info")
        return redirect(url_for("proposals.show_proposal", proposal_id=existing.id))
    if not proposals.can_apply(current_user, challenge):
        raise PermissionDenied(_("This challenge no longer accepts proposals."))
    form = ProposalForm()
    proposal = pages.save(form, lambda: proposals.submit(
        current_user, challenge, attachment=_upload(form), **form.values()),
        _("Your proposal is submitted. The municipality will review it."))
    if proposal is not None:
        return redirect(url_for("proposals.show_proposal", proposal_id=proposal.id))
    return _form_page(form, challenge, None)


@bp.get("/challenges/<int:challenge_id>/proposals")
def review_proposals(challenge_id: int):
    challenge = challenges.get_visible(current_user, challenge_id)
    minimum = _min_readiness()
    page = pages.list_page(readiness.proposals_filtered(
        proposals.review_query(current_user, challenge), minimum), per_page=20)
    return render_template("proposals/review.html", challenge=challenge, page=page,
                           items=page.items, args={"challenge_id": challenge.id,
                                                   **pages.list_args()},
                           **_readiness_of(page.items, minimum),
                           actions={p.id: proposals.allowed_targets(current_user, p)
                                    for p in page.items})


@bp.get("/proposals/<int:proposal_id>")
def show_proposal(proposal_id: int):
    proposal = proposals.get_visible(current_user, proposal_id)
    return render_template(
        "proposals/show.html", proposal=proposal,
        events=proposals.timeline(current_user, proposal),
        can_edit=proposals.can_edit(current_user, proposal),
        locked=proposals.lock_notice(current_user, proposal),
        versions=sorted(proposal.versions, key=lambda v: v.number, reverse=True),
        is_reviewer=proposals.is_reviewer(current_user, proposal.challenge),
        actions=proposals.allowed_targets(current_user, proposal),
        state_form=ProposalStateForm(formdata=None, version=proposal.version))


def _version(value: str | None, otherwise: int | None = -1) -> int | None:
    """The version the form was built on; by default a mangled one counts as out of date."""
    text = value or ""
    return int(text) if text.isdigit() else otherwise


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
def edit_proposal(proposal_id: int):
    proposal = proposals.get_editable(current_user, proposal_id)
    form = ProposalForm(obj=proposal)
    if request.method == "GET":
        form.version.data = proposal.version
    if pages.submit(form, lambda: proposals.update(
            current_user, proposal, _version(form.version.data), attachment=_upload(form),
            **form.values()), _("Your changes are saved.")):
        return redirect(url_for("proposals.show_proposal", proposal_id=proposal.id))
    return _form_page(form, proposal.challenge, proposal)


@bp.post("/proposals/<int:proposal_id>/state")
def change_state(proposal_id: int):
    proposal = proposals.get_visible(current_user, proposal_id)
    form = ProposalStateForm()
    if not form.validate_on_submit():
        flash(_("The request was not valid. Please try again."), "error")
        return redirect(url_for("proposals.show_proposal", proposal_id=proposal_id))
    version = _version(form.version.data, None)  # the review page's buttons send one
    if pages.run(pages.confirmed_first(
            lambda: proposals.transition(current_user, proposal, form.state.data,
                                         form.reason.data or "", expected_version=version),
            needed=form.state.data == "withdrawn")):
        flash(_("The proposal is now: %(state)s.", state=state_label(proposal.state)), "success")
    if request.form.get("back") == "review":
        return redirect(url_for("proposals.review_proposals", challenge_id=proposal.challenge_id))
    return redirect(url_for("proposals.show_proposal", proposal_id=proposal_id))


@bp.get("/proposals/<int:proposal_id>/attachment")
def download_attachment(proposal_id: int):
    proposal = proposals.get_visible(current_user, proposal_id)
    path = proposals.attachment_path(proposal)
    if path is None or not path.exists():
        raise NotFound(_("This proposal has no attachment."))
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=proposal.attachment_name or "proposal.pdf", max_age=0)


@bp.get("/proposals/<int:proposal_id>/versions/<int:number>/attachment")
def download_version_attachment(proposal_id: int, number: int):
    version = proposals.get_version(current_user, proposal_id, number)
    path = proposals.attachment_path(version)
    if path is None or not path.exists():
        raise NotFound(_("This version has no attachment."))
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=version.attachment_name or "proposal.pdf", max_age=0)
