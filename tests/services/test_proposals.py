"""Proposal rules: who applies and reviews, one active proposal, deadlines, PDFs, accept → pilot."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from govtech.extensions import db
from govtech.models import Challenge, Pilot, PilotStage, Proposal, User
from govtech.services import challenges, history, proposals
from govtech.services.errors import (
    ConcurrentChange,
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from tests import factories


@pytest.fixture
def world(app, ctx):
    """A municipality with an open challenge, two startups, a manager, a stranger municipality."""
    owner = factories.user(app, "municipality")
    records = {"owner": owner, "startup": factories.user(app, "startup"),
               "rival": factories.user(app, "startup"), "manager": factories.user(app, "manager"),
               "stranger": factories.user(app, "municipality")}
    users = {k: db.session.get(User, r.id) for k, r in records.items()}
    challenge = db.session.get(Challenge, factories.challenge(app, owner))
    return users, records, challenge


def _submit(user, challenge, **values):
    fields = {"approach": "LINEで通知", "timeline": "3か月", "cost_estimate": 100} | values
    return proposals.submit(user, challenge, **fields)


def _pdf(data=factories.PDF_BYTES, name="plan.pdf"):
    return proposals.Upload(name, io.BytesIO(data))


def test_approved_startup_applies_and_history_starts(world):
    users, _, challenge = world
    proposal = _submit(users["startup"], challenge)
    assert proposal.state == "submitted" and proposal.startup_id == users["startup"].organisation_id
    events = db.session.scalars(history.events_for("proposal", proposal.id)).all()
    assert [(e.from_state, e.to_state) for e in events] == [(None, "submitted")]


@pytest.mark.parametrize("who", ["owner", "manager"])
def test_only_startups_apply(world, who):
    users, _, challenge = world
    with pytest.raises(PermissionDenied):
        _submit(users[who], challenge)


def test_pending_startup_cannot_apply(app, world):
    _, _, challenge = world
    pending = db.session.get(User, factories.user(app, "startup", state="pending").id)
    with pytest.raises(PermissionDenied):
        _submit(pending, challenge)


def test_one_active_proposal_per_startup_and_challenge(world):
    users, _, challenge = world
    first = _submit(users["startup"], challenge)
    with pytest.raises(DomainError, match=f"#{first.id}"):
        _submit(users["startup"], challenge)
    _submit(users["rival"], challenge)  # another startup may apply


def test_after_withdrawing_the_startup_may_apply_again(world):
    users, _, challenge = world
    first = _submit(users["startup"], challenge)
    proposals.transition(users["startup"], first, "withdrawn")
    assert _submit(users["startup"], challenge).id != first.id


def test_passed_deadline_refuses_applying(world, monkeypatch):
    users, _, challenge = world
    challenge.deadline = challenges.today() + timedelta(days=1)
    db.session.commit()
    monkeypatch.setattr(challenges, "today", lambda: challenge.deadline + timedelta(days=1))
    with pytest.raises(DomainError, match="受付を終了"):
        _submit(users["startup"], challenge)


def test_closed_challenge_refuses_applying(app, world):
    users, records, _ = world
    closed = db.session.get(Challenge, factories.challenge(app, records["owner"], state="closed"))
    with pytest.raises(DomainError):
        _submit(users["startup"], closed)


def test_negative_cost_is_refused_on_its_field(world):
    users, _, challenge = world
    with pytest.raises(DomainError) as error:
        _submit(users["startup"], challenge, cost_estimate=-1)
    assert error.value.field == "cost_estimate"


def test_pdf_is_stored_with_name_and_size(world):
    users, _, challenge = world
    proposal = _submit(users["startup"], challenge, attachment=_pdf(name="提案書.pdf"))
    path = proposals.attachment_path(proposal)
    assert path.read_bytes() == factories.PDF_BYTES and path.parent.name == "attachments"
    assert proposal.attachment_name == "提案書.pdf"
    assert proposal.attachment_size == len(factories.PDF_BYTES)


def test_pdf_is_checked_by_content_not_name(world):
    users, _, challenge = world
    with pytest.raises(DomainError) as error:
        _submit(users["startup"], challenge, attachment=_pdf(b"MZ\x90\x00 not a pdf", "ok.pdf"))
    assert error.value.field == "attachment"
    assert db.session.scalar(select(Proposal.id)) is None
    # a real PDF under another name is fine
    assert _submit(users["startup"], challenge, attachment=_pdf(name="scan.bin")).attachment_key


def test_pdf_over_the_size_limit_is_refused(app, world):
    users, _, challenge = world
    app.config["MAX_ATTACHMENT_BYTES"] = 100
    try:
        with pytest.raises(DomainError, match="MB"):
            _submit(users["startup"], challenge,
                    attachment=_pdf(factories.PDF_BYTES + b"x" * 100))
    finally:
        app.config["MAX_ATTACHMENT_BYTES"] = 5 * 1024 * 1024


def test_replacing_the_pdf_keeps_the_old_file_for_its_version(world):
    # Issue 11: the replaced PDF is no longer removed; it belongs to version 1.
    users, _, challenge = world
    proposal = _submit(users["startup"], challenge, attachment=_pdf())
    old = proposals.attachment_path(proposal)
    proposals.update(users["startup"], proposal, proposal.version, approach="改訂",
                     attachment=_pdf(factories.PDF_BYTES + b"%v2"))
    assert old.exists() and proposals.attachment_path(proposal).exists()
    assert proposals.attachment_path(proposal.versions[0]) == old


def test_startup_edits_until_shortlisted(world):
    users, _, challenge = world
    proposal = _submit(users["startup"], challenge)
    proposals.update(users["startup"], proposal, proposal.version, approach="改訂版")
    proposals.transition(users["owner"], proposal, "shortlisted")
    assert not proposals.can_edit(users["startup"], proposal)
    with pytest.raises(PermissionDenied):
        proposals.update(users["startup"], proposal, proposal.version, approach="もう一度")


def test_other_startups_and_municipalities_never_see_it(world):
    users, _, challenge = world
    proposal = _submit(users["startup"], challenge)
    for who in ("rival", "stranger"):
        with pytest.raises(NotFound):
            proposals.get_visible(users[who], proposal.id)
    for who in ("startup", "owner", "manager"):
        assert proposals.get_visible(users[who], proposal.id) is proposal


def test_startup_cannot_review_or_accept_its_own_proposal(world):
    users, _, challenge = world
    proposal = _submit(users["startup"], challenge)
    for target in ("shortlisted", "accepted", "declined"):
        with pytest.raises(PermissionDenied):
            proposals.transition(users["startup"], proposal, target, reason="x")


def test_other_municipality_cannot_review(world):
    users, _, challenge = world
    proposal = _submit(users["startup"], challenge)
    with pytest.raises(PermissionDenied):
        proposals.transition(users["stranger"], proposal, "shortlisted")


def test_only_the_startup_withdraws(world):
    users, _, challenge = world
    proposal = _submit(users["startup"], challenge)
    for who in ("owner", "manager"):
        with pytest.raises(PermissionDenied):
            proposals.transition(users[who], proposal, "withdrawn")


def test_declining_needs_a_reason(world):
    users, _, challenge = world
    proposal = _submit(users["startup"], challenge)
    with pytest.raises(DomainError) as error:
        proposals.transition(users["owner"], proposal, "declined", reason="  ")
    assert error.value.field == "reason"
    proposals.transition(users["owner"], proposal, "declined", reason="予算超過")
    assert proposal.state == "declined" and proposal.reason == "予算超過"


def test_accepting_needs_shortlisting_first(world):
    users, _, challenge = world
    proposal = _submit(users["startup"], challenge)
    with pytest.raises(InvalidTransition):
        proposals.transition(users["owner"], proposal, "accepted")


def test_final_states_are_final(world):
    users, _, challenge = world
    proposal = _submit(users["startup"], challenge)
    proposals.transition(users["startup"], proposal, "withdrawn")
    with pytest.raises(InvalidTransition):
        proposals.transition(users["owner"], proposal, "shortlisted")


@pytest.mark.parametrize("reviewer", ["owner", "manager"])
def test_accepting_starts_the_pairs_pilot_at_selected(world, reviewer):
    users, _, challenge = world
    proposal = _submit(users["startup"], challenge)
    proposals.transition(users[reviewer], proposal, "shortlisted")
    proposals.transition(users[reviewer], proposal, "accepted")
    pilot = db.session.scalar(select(Pilot))
    assert (pilot.challenge_id, pilot.startup_id, pilot.stage) == (
        challenge.id, users["startup"].organisation_id, PilotStage.selected)
    events = db.session.scalars(history.events_for("pilot", pilot.id)).all()
    assert [e.to_state for e in events] == ["selected"]
    assert f"#{proposal.id}" in events[0].note


def test_accepting_advances_an_introduced_pair_instead_of_a_second_pilot(world):
    users, _, challenge = world
    from govtech.services import pilots

    startup_org = users["startup"].organisation
    pilot = pilots.start(users["manager"], challenge, startup_org, PilotStage.introduced)
    proposal = _submit(users["startup"], challenge)
    proposals.transition(users["owner"], proposal, "shortlisted")
    proposals.transition(users["owner"], proposal, "accepted")
    assert db.session.scalars(select(Pilot)).all() == [pilot]
    db.session.refresh(pilot)
    assert pilot.stage == "selected" and pilot.version == 2


def test_a_replacement_pdf_is_removed_when_the_save_fails(world):
    """The unit of work undoes the file write too: a stale save keeps the old file only."""
    from sqlalchemy import update

    users, _, challenge = world
    proposal = _submit(users["startup"], challenge, attachment=_pdf())
    old = proposals.attachment_path(proposal)
    folder = proposals.attachment_folder()
    before = set(folder.iterdir())
    db.session.execute(update(Proposal).where(Proposal.id == proposal.id)  # someone else saved
                       .values(version=Proposal.version + 1)
                       .execution_options(synchronize_session=False))
    with pytest.raises(ConcurrentChange):
        proposals.update(users["startup"], proposal, proposal.version, approach="改訂",
                         attachment=_pdf(factories.PDF_BYTES + b"%v2"))
    assert set(folder.iterdir()) == before and old.exists()
    assert proposals.attachment_path(proposal) == old
