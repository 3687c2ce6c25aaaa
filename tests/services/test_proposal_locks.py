"""Issue 11, finding 7: a proposal locks at its challenge's deadline (the day itself still open),
when the challenge stops being open or its municipality is suspended; each edit before that keeps
what it replaced as a version, its PDF included."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest

from govtech.extensions import db
from govtech.models import Challenge, ChallengeState, OrgState, ProposalVersion, User
from govtech.services import challenges, history, organisations, proposals
from govtech.services.errors import DomainError, NotFound, PermissionDenied
from tests import factories


@pytest.fixture
def world(app, ctx):
    owner = factories.user(app, "municipality")
    records = {"owner": owner, "startup": factories.user(app, "startup"),
               "manager": factories.user(app, "manager"),
               "rival": factories.user(app, "startup")}
    users = {k: db.session.get(User, r.id) for k, r in records.items()}
    challenge = db.session.get(Challenge, factories.challenge(app, owner))
    proposal = proposals.submit(users["startup"], challenge, approach="初版", timeline="3か月",
                                cost_estimate=100,
                                attachment=proposals.Upload("v1.pdf", io.BytesIO(
                                    factories.PDF_BYTES)))
    return users, challenge, proposal


def _edit(users, proposal, **values):
    return proposals.update(users["startup"], proposal, proposal.version,
                            **({"approach": "改訂"} | values))


def _deadline_today(challenge, monkeypatch, days_after=0):
    challenge.deadline = challenges.today()
    db.session.commit()
    today = challenge.deadline + timedelta(days=days_after)
    monkeypatch.setattr(challenges, "today", lambda: today)


def test_the_deadline_day_itself_is_still_open(world, monkeypatch):
    users, challenge, proposal = world
    _deadline_today(challenge, monkeypatch)
    assert proposals.can_edit(users["startup"], proposal)
    _edit(users, proposal)
    assert proposal.approach == "改訂"


def test_the_day_after_the_deadline_the_proposal_is_locked(world, monkeypatch):
    users, challenge, proposal = world
    _deadline_today(challenge, monkeypatch, days_after=1)
    assert not proposals.can_edit(users["startup"], proposal)
    with pytest.raises(PermissionDenied, match="締切"):
        _edit(users, proposal)
    with pytest.raises(PermissionDenied, match="締切"):
        proposals.get_editable(users["startup"], proposal.id)
    db.session.refresh(proposal)
    assert proposal.approach == "初版" and proposal.versions == []
    assert "締切" in proposals.lock_notice(users["startup"], proposal)


@pytest.mark.parametrize("state", [ChallengeState.closed, ChallengeState.archived])
def test_a_challenge_no_longer_open_locks_its_proposals(world, state):
    users, challenge, proposal = world
    challenge.state = state
    db.session.commit()
    assert not proposals.can_edit(users["startup"], proposal)
    with pytest.raises(PermissionDenied, match="受付を終了"):
        _edit(users, proposal, attachment=proposals.Upload("v2.pdf", io.BytesIO(
            factories.PDF_BYTES + b"%v2")))
    db.session.refresh(proposal)
    assert proposal.attachment_name == "v1.pdf"


def test_a_suspended_municipality_locks_its_proposals(world):
    users, challenge, proposal = world
    organisations.set_state(users["manager"], challenge.organisation, OrgState.suspended)
    assert not proposals.can_edit(users["startup"], proposal)
    with pytest.raises(PermissionDenied, match="停止中"):
        _edit(users, proposal)
    organisations.set_state(users["manager"], challenge.organisation, OrgState.approved)
    _edit(users, proposal)  # reinstated: open again until the deadline


def test_the_lock_notice_is_only_for_the_startups_submitted_proposal(world):
    users, challenge, proposal = world
    challenge.state = ChallengeState.closed
    assert proposals.lock_notice(users["startup"], proposal)
    assert proposals.lock_notice(users["owner"], proposal) is None
    challenge.state = ChallengeState.open
    assert proposals.lock_notice(users["startup"], proposal) is None


def test_each_edit_keeps_what_it_replaced_as_a_version(world):
    users, _challenge, proposal = world
    first_saved = proposal.updated_at
    _edit(users, proposal, approach="第2版", cost_estimate=120)
    _edit(users, proposal, approach="第3版", timeline="4か月",
          attachment=proposals.Upload("v3.pdf", io.BytesIO(factories.PDF_BYTES + b"%v3")))
    db.session.expire_all()
    kept = db.session.scalars(db.select(ProposalVersion).order_by(ProposalVersion.number)).all()
    assert [(v.number, v.approach, v.timeline, v.cost_estimate, v.attachment_name)
            for v in kept] == [(1, "初版", "3か月", 100, "v1.pdf"),
                               (2, "第2版", "3か月", 120, "v1.pdf")]
    assert all(v.author_id == users["startup"].id for v in kept)
    assert kept[0].created_at.replace(tzinfo=None) == first_saved.replace(tzinfo=None)
    assert proposal.approach == "第3版" and proposal.attachment_name == "v3.pdf"
    assert proposals.attachment_path(kept[0]).read_bytes() == factories.PDF_BYTES
    events = history.timeline("proposal", proposal.id)
    assert [(e.from_state, e.to_state) for e in events] == [
        (None, "submitted"), ("submitted", "submitted"), ("submitted", "submitted")]
    assert "1" in events[1].note and "2" in events[2].note


def test_an_edit_that_changes_nothing_keeps_no_version(world):
    users, _challenge, proposal = world
    _edit(users, proposal, approach="初版", timeline="3か月", cost_estimate=100)
    assert proposal.versions == []


def test_a_refused_edit_keeps_no_version(world):
    users, _challenge, proposal = world
    with pytest.raises(DomainError):
        _edit(users, proposal, approach="  ")
    db.session.expire_all()
    assert db.session.scalars(db.select(ProposalVersion)).all() == []


def test_versions_are_for_the_proposals_readers(world):
    users, _challenge, proposal = world
    _edit(users, proposal)
    for who in ("startup", "owner", "manager"):
        assert proposals.get_version(users[who], proposal.id, 1).approach == "初版"
    with pytest.raises(NotFound):
        proposals.get_version(users["rival"], proposal.id, 1)
    with pytest.raises(NotFound):
        proposals.get_version(users["owner"], proposal.id, 2)
