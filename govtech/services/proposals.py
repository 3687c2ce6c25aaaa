"""Proposals: startups apply to open challenges; the municipality and the office review them.

Accepting a proposal starts (or advances) the pair's pilot at `selected`, in the same transaction.
Attachments are PDFs, checked by their content, stored under instance/attachments/. A proposal is
locked at the challenge's deadline, when the challenge stops accepting proposals or its
municipality is suspended; before that each edit keeps what it replaced as a ProposalVersion.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, select
from sqlalchemy.orm import joinedload

from govtech import formatting
from govtech.extensions import db
from govtech.labels import state_label
from govtech.models import (
    Challenge,
    ChallengeState,
    HistoryEvent,
    OrgKind,
    OrgState,
    Proposal,
    ProposalState,
    ProposalVersion,
    User,
)
from govtech.services import (
    access,
    challenges,
    history,
    listsearch,
    notifications,
    pilots,
    transaction,
    workflow,
)
from govtech.services.errors import DomainError

EDITABLE = ("approach", "timeline", "cost_estimate")
ACTIVE = (ProposalState.submitted, ProposalState.shortlisted)
REVIEW_TARGETS = (ProposalState.shortlisted, ProposalState.accepted, ProposalState.declined)
PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class Upload:
    """An uploaded file as the service sees it: the name the user gave it and its bytes."""

    filename: str
    stream: IO[bytes]


# --- access ------------------------------------------------------------------------------------

def is_reviewer(user: User | None, challenge: Challenge) -> bool:
    """The municipality that owns the challenge, and managers."""
    return challenges.can_edit(user, challenge)


def is_applicant(user: User | None, proposal: Proposal) -> bool:
    """An approved member of the startup that wrote the proposal."""
    return access.acts_for(user, proposal.startup_id)


def can_see(user: User | None, proposal: Proposal) -> bool:
    return is_applicant(user, proposal) or is_reviewer(user, proposal.challenge)


def get_visible(user: User | None, proposal_id: int) -> Proposal:
    """The proposal for its startup and its reviewers; to everyone else it does not exist."""
    proposal = db.session.get(Proposal, proposal_id)
    return access.visible_or_404(proposal, proposal is not None and can_see(user, proposal),
                                 _("This proposal does not exist."))


def timeline(user: User | None, proposal: Proposal) -> list[HistoryEvent]:
    """The proposal's history, oldest first, for its startup and its reviewers."""
    access.visible_or_404(proposal, can_see(user, proposal), _("This proposal does not exist."))
    return history.timeline("proposal", proposal.id)


def lock_reason(proposal: Proposal) -> str | None:
    """Why the challenge's proposals can no longer be changed (None while it accepts proposals:
    open, its municipality not suspended, up to its deadline day included, in Japan)."""
    challenge = proposal.challenge
    if challenges.accepts_proposals(challenge):
        return None
    if challenge.organisation.state == OrgState.suspended:
        return _("The municipality of this challenge is suspended: its proposals are locked.")
    if challenge.state != ChallengeState.open:
        return _("This challenge is closed: its proposals can no longer be changed.")
    return _("The deadline of this challenge (%(date)s) has passed: its proposals can no longer "
             "be changed.", date=formatting.date(challenge.deadline))


def can_edit(user: User | None, proposal: Proposal) -> bool:
    """The startup edits its proposal until the municipality shortlists it, or it is locked."""
    return (is_applicant(user, proposal) and proposal.state == ProposalState.submitted
            and lock_reason(proposal) is None)


def _require_editable(user: User | None, proposal: Proposal) -> None:
    access.require(is_applicant(user, proposal),
                   _("Only the startup that wrote this proposal can change it."))
    access.require(proposal.state == ProposalState.submitted,
                   _("This proposal can no longer be changed: it is %(state)s.",
                     state=state_label(proposal.state)))
    reason = lock_reason(proposal)
    access.require(reason is None, reason or "")


def get_editable(user: User, proposal_id: int) -> Proposal:
    proposal = get_visible(user, proposal_id)
    _require_editable(user, proposal)
    return proposal


def active_for(challenge_id: int, startup_id: int) -> Proposal | None:
    return db.session.scalar(select(Proposal).where(
        Proposal.challenge_id == challenge_id, Proposal.startup_id == startup_id,
        Proposal.state.in_(ACTIVE)))


def own_active(user: User | None, challenge: Challenge) -> Proposal | None:
    """The user's startup's active proposal to this challenge, if it has one."""
    if not access.signed_in(user) or user is None or not user.organisation_id:
        return None
    return active_for(challenge.id, user.organisation_id)


def can_apply(user: User | None, challenge: Challenge) -> bool:
    """An approved startup member, to a challenge that still accepts proposals."""
    return access.acts_for_kind(user, OrgKind.startup) and challenges.accepts_proposals(challenge)


# --- attachments -------------------------------------------------------------------------------

def attachment_folder() -> Path:
    return Path(current_app.instance_path) / "attachments"


def attachment_path(record: Proposal | ProposalVersion) -> Path | None:
    """Where the PDF of a proposal (or of one of its earlier versions) is stored."""
    if not record.attachment_key:
        return None
    return attachment_folder() / f"{record.attachment_key}.pdf"


def _read_pdf(upload: Upload) -> bytes:
    """The file's bytes, if it is a PDF (by its content, not its name) within the size limit."""
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise DomainError(_("The attachment is larger than %(mb)s MB.",
                            mb=f"{limit / 1024 / 1024:g}"), field="attachment")
    if not data.startswith(PDF_MAGIC):
        raise DomainError(_("The attachment must be a PDF file."), field="attachment")
    return data


def _store(proposal: Proposal, upload: Upload) -> None:
    """Write the new file and point the proposal at it. The unit of work removes the new file
    if the change is rolled back; the replaced one stays: it belongs to a version now."""
    data = _read_pdf(upload)
    key = str(uuid.uuid4())
    folder = attachment_folder()
    folder.mkdir(parents=True, exist_ok=True)
    new = folder / f"{key}.pdf"
    new.write_bytes(data)
    transaction.on_rollback(lambda: new.unlink(missing_ok=True))
    proposal.attachment_key = key
    proposal.attachment_name = Path(upload.filename or "proposal.pdf").name[:255] or "proposal.pdf"
    proposal.attachment_size = len(data)


# --- writing -----------------------------------------------------------------------------------

def _validate(values: dict) -> None:
    if not (values.get("approach") or "").strip():
        raise DomainError(_("Describe your approach."), field="approach")
    cost = values.get("cost_estimate")
    if cost is not None and cost < 0:
        raise DomainError(_("The cost estimate cannot be negative."), field="cost_estimate")


@transaction.unit_of_work(_l("Please try again."))
def submit(actor: User, challenge: Challenge, *, attachment: Upload | None = None,
           **values) -> Proposal:
    """Apply to an open challenge: one active proposal per startup and challenge."""
    access.require(access.acts_for_kind(actor, OrgKind.startup),
                   _("Only approved startups can apply with a proposal."))
    org = actor.organisation
    assert org is not None  # an approved startup member has one
    if not challenges.accepts_proposals(challenge):
        raise DomainError(_("This challenge no longer accepts proposals."))
    existing = active_for(challenge.id, org.id)
    if existing is not None:
        raise DomainError(_("Your startup already has a proposal for this challenge "
                            "(#%(id)d). Edit or withdraw that one instead.", id=existing.id))
    _validate(values)
    proposal = Proposal(challenge=challenge, startup=org, author=actor,
                        state=ProposalState.submitted,
                        **{k: values.get(k) for k in EDITABLE})
    proposal.timeline = proposal.timeline or ""
    if attachment is not None:
        _store(proposal, attachment)
    db.session.add(proposal)
    db.session.flush()
    history.record("proposal", proposal.id, actor, None, ProposalState.submitted)
    notifications.notify(notifications.members(challenge.organisation_id), "proposal_received",
                         url=f"/proposals/{proposal.id}", startup=org.name,
                         challenge=challenge.title)
    return proposal


@transaction.unit_of_work(_l("Someone else changed this proposal while you were editing. Your "
                             "text is still in the form; check the current version before "
                             "saving again."))
def update(actor: User, proposal: Proposal, expected_version: int | None, *,
           attachment: Upload | None = None, **values) -> Proposal:
    """Save the startup's edits (and a replacement PDF) until the proposal is shortlisted or
    locked; what the edit replaces is kept as the next version, its PDF included."""
    _require_editable(actor, proposal)
    transaction.check_version(proposal, expected_version)
    _validate(values)
    new = {key: values[key] if key != "timeline" else values[key] or ""
           for key in EDITABLE if key in values}
    if attachment is None and all(getattr(proposal, k) == v for k, v in new.items()):
        return proposal  # nothing changed: no version to keep
    kept = _keep_version(proposal)
    for key, value in new.items():
        setattr(proposal, key, value)
    if attachment is not None:
        _store(proposal, attachment)
    proposal.author = actor
    history.record("proposal", proposal.id, actor, proposal.state, proposal.state,
                   _("Edited; version %(n)d is kept.", n=kept.number))
    return proposal


def _keep_version(proposal: Proposal) -> ProposalVersion:
    """The proposal as it stands, as its next version (1 for the text first submitted)."""
    kept = ProposalVersion(
        proposal=proposal, number=len(proposal.versions) + 1, author_id=proposal.author_id,
        created_at=proposal.updated_at or proposal.created_at,
        **{k: getattr(proposal, k) for k in (*EDITABLE, "attachment_key", "attachment_name",
                                             "attachment_size")})
    db.session.add(kept)
    return kept


def lock_notice(user: User | None, proposal: Proposal) -> str | None:
    """For its startup: why a submitted proposal can no longer be edited (None if it can)."""
    mine = is_applicant(user, proposal) and proposal.state == ProposalState.submitted
    return lock_reason(proposal) if mine else None


def get_version(user: User | None, proposal_id: int, number: int) -> ProposalVersion:
    """One earlier version of a proposal this user may see."""
    proposal = get_visible(user, proposal_id)
    found = next((v for v in proposal.versions if v.number == number), None)
    return access.visible_or_404(found, True, _("This version does not exist."))


def allowed_targets(user: User | None, proposal: Proposal) -> list[str]:
    """The state changes to offer this user: review steps, or withdrawing one's own."""
    following = workflow.PROPOSAL.get(proposal.state, frozenset())
    offered = []
    if is_reviewer(user, proposal.challenge):
        offered += [t for t in REVIEW_TARGETS if t in following]
    if is_applicant(user, proposal) and ProposalState.withdrawn in following:
        offered.append(ProposalState.withdrawn)
    return [t.value for t in offered]


@transaction.unit_of_work(_l("Someone else changed this proposal at the same moment. Please "
                             "reload."))
def transition(actor: User, proposal: Proposal, target: str, reason: str = "", *,
               expected_version: int | None = None) -> Proposal:
    """Shortlist, accept or decline (reviewers), or withdraw (the startup), with history.

    Accepting selects the pair: its pilot starts at `selected`, or an earlier open one of the
    same pair moves there, so the journey has one timeline.
    """
    if target not in ProposalState.__members__:
        raise DomainError(_("Unknown state."))
    target_state = ProposalState(target)
    if target_state == ProposalState.withdrawn:
        access.require(is_applicant(actor, proposal),
                       _("Only the startup can withdraw its proposal."))
    else:
        access.require(is_reviewer(actor, proposal.challenge),
                       _("Only the municipality that posted the challenge or the programme "
                         "office can review proposals."))
    workflow.check(workflow.PROPOSAL, proposal.state, target_state)
    reason = (reason or "").strip()
    if target_state == ProposalState.declined and not reason:
        raise DomainError(_("Give a reason for declining; the startup will read it."),
                          field="reason")
    transaction.check_version(proposal, expected_version)
    previous = proposal.state
    proposal.state = target_state
    if reason:
        proposal.reason = reason
    history.record("proposal", proposal.id, actor, previous, target_state, reason)
    if target_state == ProposalState.accepted:
        open_pilot = pilots.open_pilot_for(proposal.challenge_id, proposal.startup_id)
        if open_pilot is not None:
            pilots.require_not_frozen(open_pilot)
        pilots.select_pair(actor, proposal.challenge, proposal.startup,
                           _("Selected from proposal #%(id)d", id=proposal.id))
    if target_state != ProposalState.withdrawn:
        notifications.notify(notifications.members(proposal.startup_id), "proposal_decided",
                             url=f"/proposals/{proposal.id}", challenge=proposal.challenge.title,
                             state=target_state.value)
    return proposal


# --- finding -----------------------------------------------------------------------------------

def review_query(user: User, challenge: Challenge) -> Select[tuple[Proposal]]:
    """Every proposal to a challenge, for its reviewers, active ones first (paged by the page)."""
    access.require(is_reviewer(user, challenge),
                   _("Only the municipality that posted the challenge or the programme office "
                     "can read its proposals."))
    active = case((Proposal.state.in_([ProposalState.submitted, ProposalState.shortlisted]), 0),
                  else_=1)
    return (select(Proposal).where(Proposal.challenge_id == challenge.id)
            .options(joinedload(Proposal.startup))
            .order_by(active, Proposal.created_at, Proposal.id))


def list_query(user: User, q: str = "") -> Select[tuple[Proposal]]:
    """Proposals this user may see: a startup's own, a municipality's received, or all."""
    return (select(Proposal).join(Proposal.challenge)
            .options(joinedload(Proposal.challenge).joinedload(Challenge.organisation),
                     joinedload(Proposal.startup))
            .where(access.own_side(user, municipality=Challenge.organisation_id,
                                   startup=Proposal.startup_id),
                   listsearch.words_match(q, Challenge.title, Proposal.approach))
            .order_by(Proposal.created_at.desc(), Proposal.id.desc()))
