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

from govtech.blueprints.proposals.forms import ProposalFilterForm, ProposalForm, ProposalStateForm
from govtech.extensions import db
from govtech.forms import attach_error
from govtech.labels import state_label
from govtech.services import challenges, history, proposals
from govtech.services.errors import DomainError, NotFound, PermissionDenied

bp = Blueprint("proposals", __name__)


def _upload(form: ProposalForm) -> proposals.Upload | None:
    data = form.attachment.data
    if data is None or not getattr(data, "filename", ""):
        return None
    return proposals.Upload(data.filename, data.stream)


def _form_page(form: ProposalForm, challenge, proposal):
    status = 400 if form.errors or form.form_errors else 200
    limit = current_app.config["MAX_ATTACHMENT_BYTES"] / 1024 / 1024
    return render_template("proposals/form.html", form=form, challenge=challenge,
                           proposal=proposal, max_attachment_mb=f"{limit:g}"), status


@bp.get("/proposals/")
def list_proposals():
    form = ProposalFilterForm(request.args)
    form.validate()
    page = db.paginate(proposals.list_query(current_user, form.q.data or ""), per_page=20,
                       error_out=False)
    args = {k: v for k, v in request.args.items() if k not in ("page", "lang") and v}
    return render_template("proposals/list.html", form=form, page=page, args=args)


@bp.route("/challenges/<int:challenge_id>/apply", methods=["GET", "POST"])
def new_proposal(challenge_id: int):
    challenge = challenges.get_visible(current_user, challenge_id)
    existing = proposals.active_for(challenge.id, current_user.organisation_id)
    if existing is not None:
        flash(_("Your startup already has a proposal for this challenge. You can edit it here "
                "until it is shortlisted."), "info")
        return redirect(url_for("proposals.show_proposal", proposal_id=existing.id))
    if not proposals.can_apply(current_user, challenge):
        raise PermissionDenied(_("This challenge no longer accepts proposals."))
    form = ProposalForm()
    if form.validate_on_submit():
        try:
            proposal = proposals.submit(current_user, challenge, attachment=_upload(form),
                                        **form.values())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Your proposal is submitted. The municipality will review it."), "success")
            return redirect(url_for("proposals.show_proposal", proposal_id=proposal.id))
    return _form_page(form, challenge, None)


@bp.get("/challenges/<int:challenge_id>/proposals")
def review_proposals(challenge_id: int):
    challenge = challenges.get_visible(current_user, challenge_id)
    items = proposals.for_challenge(current_user, challenge)
    return render_template("proposals/review.html", challenge=challenge, items=items,
                           actions={p.id: proposals.allowed_targets(current_user, p)
                                    for p in items})


@bp.get("/proposals/<int:proposal_id>")
def show_proposal(proposal_id: int):
    proposal = proposals.get_visible(current_user, proposal_id)
    events = db.session.scalars(history.events_for("proposal", proposal.id)).all()
    return render_template(
        "proposals/show.html", proposal=proposal, events=events,
        can_edit=proposals.can_edit(current_user, proposal),
        is_reviewer=proposals.is_reviewer(current_user, proposal.challenge),
        actions=proposals.allowed_targets(current_user, proposal),
        state_form=ProposalStateForm(formdata=None, version=proposal.version))


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
def edit_proposal(proposal_id: int):
    proposal = proposals.get_editable(current_user, proposal_id)
    form = ProposalForm(obj=proposal)
    if request.method == "GET":
        form.version.data = proposal.version
    if form.validate_on_submit():
        try:
            proposals.update(current_user, proposal, int(form.version.data or 0),
                             attachment=_upload(form), **form.values())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("proposals.show_proposal", proposal_id=proposal.id))
    return _form_page(form, proposal.challenge, proposal)


@bp.post("/proposals/<int:proposal_id>/state")
def change_state(proposal_id: int):
    proposal = proposals.get_visible(current_user, proposal_id)
    form = ProposalStateForm()
    if not form.validate_on_submit():
        flash(_("The request was not valid. Please try again."), "error")
        return redirect(url_for("proposals.show_proposal", proposal_id=proposal_id))
    version = int(form.version.data) if (form.version.data or "").isdigit() else None
    try:
        proposals.transition(current_user, proposal, form.state.data, form.reason.data or "",
                             expected_version=version)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
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
