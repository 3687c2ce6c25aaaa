"""Proposals: apply to an open challenge with a PDF, read, list, edit while allowed, change state,
download the PDF. The same service functions as the proposal pages (services.proposals)."""
from __future__ import annotations

from flask import Response, send_file
from flask_babel import gettext as _
from flask_login import current_user

from govtech.api import paging
from govtech.api.declare import if_match, ok, operation
from govtech.api.pilots import challenge_ref
from govtech.api.schemas_common import Page
from govtech.api.schemas_pilots import OrganisationRef
from govtech.api.schemas_proposals import (
    AttachmentForm,
    AttachmentOut,
    ProposalForm,
    ProposalOut,
    ProposalPatch,
    ProposalQuery,
    ProposalStateIn,
    ProposalVersionList,
    ProposalVersionOut,
)
from govtech.models import Proposal, ProposalVersion
from govtech.services import challenges, proposals
from govtech.services.errors import NotFound

TAG = "proposals"


def proposal_out(proposal: Proposal) -> ProposalOut:
    return ProposalOut(
        id=proposal.id, updated_at=proposal.updated_at, version=proposal.version,
        challenge=challenge_ref(proposal.challenge),
        startup=OrganisationRef.model_validate(proposal.startup), state=proposal.state.value,
        approach=proposal.approach, timeline=proposal.timeline or "",
        cost_estimate=proposal.cost_estimate, reason=proposal.reason or "",
        attachment=_attachment(proposal), created_at=proposal.created_at,
        can_edit=proposals.can_edit(current_user, proposal),
        locked_reason=proposals.lock_notice(current_user, proposal),
        allowed_states=proposals.allowed_targets(current_user, proposal))  # type: ignore[arg-type]


def _attachment(record: Proposal | ProposalVersion) -> AttachmentOut | None:
    if not record.attachment_key:
        return None
    return AttachmentOut(name=record.attachment_name or "proposal.pdf",
                         size=record.attachment_size or 0)


def _pdf(record: Proposal | ProposalVersion, missing: str) -> Response:
    path = proposals.attachment_path(record)
    if path is None or not path.exists():
        raise NotFound(missing)
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=record.attachment_name or "proposal.pdf", max_age=0)


def _upload(form: ProposalForm | AttachmentForm) -> proposals.Upload | None:
    file = form.attachment
    return proposals.Upload(file.filename or "proposal.pdf", file.stream) if file else None


@operation("GET", "/proposals", tag=TAG, query=ProposalQuery, response=Page[ProposalOut],
           mirrors=("proposals.list_proposals",))
def list_proposals(query: ProposalQuery) -> Response:
    """List proposals

    A startup's own proposals, the proposals to a municipality's challenges, or all of them for
    the programme office, as on the proposals page; with `challenge_id`, one challenge's
    proposals for its reviewers (the review page). Ordered by `updated_at`, then `id`.
    """
    if query.challenge_id is not None:
        challenge = challenges.get_visible(current_user, query.challenge_id)
        stmt = proposals.review_query(current_user, challenge)
    else:
        stmt = proposals.list_query(current_user, query.q)
    page = paging.paginate(stmt, key=(Proposal.updated_at, Proposal.id), query=query)
    return paging.respond(page, [proposal_out(p) for p in page.items])


@operation("POST", "/challenges/<int:challenge_id>/proposals", tag=TAG, form=ProposalForm,
           response=ProposalOut, status=201, mirrors=("proposals.new_proposal",))
def apply_to_challenge(challenge_id: int, form: ProposalForm) -> Response:
    """Apply to a challenge

    An approved startup applies to an open challenge before its deadline, one active proposal
    per challenge. multipart/form-data: `approach`, `timeline`, `cost_estimate` and an optional
    `attachment`, a PDF (checked by its content: not a PDF, or too large → 422 naming
    `attachment`, and nothing is stored).
    """
    challenge = challenges.get_visible(current_user, challenge_id)
    proposal = proposals.submit(current_user, challenge, attachment=_upload(form),
                                **form.model_dump(exclude={"attachment"}))
    return ok(proposal_out(proposal), status=201, record=proposal,
              headers={"Location": f"/api/v1/proposals/{proposal.id}"})


@operation("GET", "/proposals/<int:proposal_id>", tag=TAG, response=ProposalOut,
           mirrors=("proposals.show_proposal",))
def get_proposal(proposal_id: int) -> Response:
    """Read a proposal

    For its startup and its reviewers (the challenge's municipality, the programme office);
    404 for everyone else.
    """
    proposal = proposals.get_visible(current_user, proposal_id)
    return ok(proposal_out(proposal), record=proposal)


@operation("PATCH", "/proposals/<int:proposal_id>", tag=TAG, body=ProposalPatch,
           response=ProposalOut, mirrors=("proposals.edit_proposal",))
def edit_proposal(proposal_id: int, body: ProposalPatch) -> Response:
    """Edit a proposal

    Its startup edits it until it is shortlisted or the challenge stops accepting proposals;
    the text replaced is kept as a version. Fields left out stay as they are. `If-Match` with
    the version read: 412 if it changed since.
    """
    proposal = proposals.get_visible(current_user, proposal_id)
    values = {key: getattr(proposal, key) for key in proposals.EDITABLE}
    proposals.update(current_user, proposal, if_match(),
                     **values | body.model_dump(exclude_unset=True))
    return ok(proposal_out(proposal), record=proposal)


@operation("PUT", "/proposals/<int:proposal_id>/attachment", tag=TAG, form=AttachmentForm,
           response=ProposalOut, mirrors=("proposals.edit_proposal",))
def replace_proposal_attachment(proposal_id: int, form: AttachmentForm) -> Response:
    """Replace the proposal's PDF

    As editing: its startup, until the proposal is shortlisted or locked; the PDF replaced is
    kept with the version. multipart/form-data with `attachment`. `If-Match`: 412 on a stale
    version.
    """
    proposal = proposals.get_visible(current_user, proposal_id)
    values = {key: getattr(proposal, key) for key in proposals.EDITABLE}
    proposals.update(current_user, proposal, if_match(), attachment=_upload(form), **values)
    return ok(proposal_out(proposal), record=proposal)


@operation("POST", "/proposals/<int:proposal_id>/state", tag=TAG, body=ProposalStateIn,
           response=ProposalOut, mirrors=("proposals.change_state",))
def change_proposal_state(proposal_id: int, body: ProposalStateIn) -> Response:
    """Shortlist, accept, decline or withdraw a proposal

    Reviewers shortlist, accept (which selects the pair: its pilot moves to 選定) or decline
    (with a reason); the startup withdraws its own. `If-Match`: 412 on a stale version.
    """
    proposal = proposals.get_visible(current_user, proposal_id)
    proposals.transition(current_user, proposal, body.state, body.reason,
                         expected_version=if_match())
    return ok(proposal_out(proposal), record=proposal)


@operation("GET", "/proposals/<int:proposal_id>/attachment", tag=TAG,
           mirrors=("proposals.download_attachment",))
def download_proposal_attachment(proposal_id: int) -> Response:
    """Download the proposal's PDF

    `application/pdf`; 404 if it has none.
    """
    proposal = proposals.get_visible(current_user, proposal_id)
    return _pdf(proposal, _("This proposal has no attachment."))


@operation("GET", "/proposals/<int:proposal_id>/versions", tag=TAG,
           response=ProposalVersionList, mirrors=("proposals.show_proposal",))
def list_proposal_versions(proposal_id: int) -> Response:
    """List a proposal's earlier versions

    What each edit replaced, newest first; for the proposal's startup and its reviewers.
    """
    proposal = proposals.get_visible(current_user, proposal_id)
    items = [ProposalVersionOut(
        id=v.id, updated_at=v.created_at, version=v.number, number=v.number,
        approach=v.approach, timeline=v.timeline or "", cost_estimate=v.cost_estimate,
        attachment=_attachment(v))
        for v in sorted(proposal.versions, key=lambda v: v.number, reverse=True)]
    return ok(ProposalVersionList(items=items), record=proposal)


@operation("GET", "/proposals/<int:proposal_id>/versions/<int:number>/attachment", tag=TAG,
           mirrors=("proposals.download_version_attachment",))
def download_proposal_version_attachment(proposal_id: int, number: int) -> Response:
    """Download an earlier version's PDF

    `application/pdf`; 404 if that version had none.
    """
    version = proposals.get_version(current_user, proposal_id, number)
    return _pdf(version, _("This version has no attachment."))
