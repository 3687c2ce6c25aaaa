"""Organisation approval: managers only, allowed transitions only, always with history."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from govtech.extensions import db
from govtech.models import HistoryEvent, OrgKind, OrgState
from govtech.services import accounts, history, organisations
from govtech.services.errors import InvalidTransition, PermissionDenied

GOOD = "a-sturdy-passphrase-42"


@pytest.fixture
def startup(ctx):
    return accounts.signup(kind=OrgKind.startup, org_name="株式会社テスト", name="佐藤",
                           email="founder@startup.example", password=GOOD, prefecture="13")


@pytest.fixture
def manager(ctx):
    return accounts.create_manager("office@example.jp", "事務局", GOOD)


def test_approval_writes_history(startup, manager):
    org = startup.organisation
    organisations.set_state(manager, org, OrgState.approved, "確認済み")
    events = db.session.scalars(history.events_for("organisation", org.id)).all()
    assert [(e.from_state, e.to_state) for e in events] == [(None, "pending"),
                                                            ("pending", "approved")]
    assert events[-1].actor_id == manager.id and events[-1].note == "確認済み"


def test_only_managers_approve(startup):
    with pytest.raises(PermissionDenied):
        organisations.set_state(startup, startup.organisation, OrgState.approved)
    assert startup.organisation.state == OrgState.pending


def test_disallowed_transition_changes_nothing(startup, manager):
    org = startup.organisation
    with pytest.raises(InvalidTransition):
        organisations.set_state(manager, org, OrgState.pending)
    assert org.state == OrgState.pending
    approved = select(HistoryEvent).where(HistoryEvent.to_state == "approved")
    assert db.session.scalar(approved) is None


def test_suspend_and_reinstate(startup, manager):
    org = startup.organisation
    for target in (OrgState.approved, OrgState.suspended, OrgState.approved):
        organisations.set_state(manager, org, target)
    assert org.state == OrgState.approved


def test_history_is_immutable(startup):
    event = db.session.scalars(select(HistoryEvent)).first()
    event.note = "rewritten"
    with pytest.raises(ValueError, match="immutable"):
        db.session.commit()
    db.session.rollback()
