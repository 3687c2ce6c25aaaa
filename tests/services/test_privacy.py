"""A user's own data (issue 10 item 8): the download and the deletion (anonymisation)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from govtech.extensions import db
from govtech.models import AuditEvent, HistoryEvent, OrgKind, OrgState, User, UserSession
from govtech.services import accounts, organisations, privacy, sessions
from govtech.services.errors import DomainError

GOOD = "a-sturdy-passphrase-42"


def _member() -> User:
    user = accounts.signup(kind=OrgKind.municipality, org_name="テスト市", name="山田 花子",
                           email="dx@city.example.jp", password=GOOD, prefecture="11")
    accounts.confirm_email(accounts.make_token(user, "confirm"))
    manager = accounts.find_user("office@example.jp") or accounts.create_manager(
        "office@example.jp", "Office", GOOD)
    organisations.set_state(manager, user.organisation, OrgState.approved)
    return user


def test_export_holds_the_users_data_and_is_recorded(ctx):
    user = _member()
    sessions.start(user)
    data = privacy.export(user)
    json.dumps(data, ensure_ascii=False)  # ready for the file
    assert data["profile"]["email"] == "dx@city.example.jp"
    assert data["organisation"]["name"] == "テスト市"
    assert len(data["sessions"]) == 1 and data["history"][0]["entity"] == "organisation"
    assert {"signup.confirmed", "login.succeeded"} <= {e["event"] for e in data["audit_events"]}
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.event == "data.exported")).one().actor_id == user.id


def test_anonymise_needs_the_password_and_a_confirmation(ctx):
    user = _member()
    with pytest.raises(DomainError) as wrong:
        privacy.anonymise(user, "not-the-password-1", confirmed=True)
    assert wrong.value.field == "password"
    with pytest.raises(DomainError) as unconfirmed:
        privacy.anonymise(user, GOOD, confirmed=False)
    assert unconfirmed.value.field == "confirm"
    assert user.email == "dx@city.example.jp"


def test_anonymise_keeps_the_organisations_records_and_the_log(ctx):
    user = _member()
    sessions.start(user)
    org_id = user.organisation_id
    privacy.anonymise(user, GOOD, confirmed=True)
    assert user.name == privacy.FORMER_NAME and user.email.endswith("@deleted.invalid")
    assert user.is_disabled and user.organisation_id == org_id
    ended = db.session.scalars(select(UserSession)).one()
    assert ended.ended_at is not None and (ended.device, ended.address) == ("", None)
    assert db.session.scalars(select(HistoryEvent)).first().actor_id == user.id  # kept
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.event == "account.anonymised")).one()
    assert event.actor_id == user.id and event.actor_label == user.email  # the placeholder
    assert accounts.find_user("dx@city.example.jp") is None
    with pytest.raises(accounts.LoginRefused):
        accounts.authenticate(user.email, GOOD)


def test_the_last_active_manager_cannot_delete_themselves(ctx):
    manager = accounts.create_manager("office@example.jp", "Office", GOOD)
    with pytest.raises(DomainError):
        privacy.anonymise(manager, GOOD, confirmed=True)
    assert manager.email == "office@example.jp"
    accounts.create_manager("second@example.jp", "Second", GOOD)
    privacy.anonymise(manager, GOOD, confirmed=True)
    assert manager.is_disabled


def test_anonymise_removes_two_step_secrets(ctx):
    from sqlalchemy import func

    from govtech.models import RecoveryCode, TwoStep
    from govtech.models.base import utcnow

    user = _member()
    db.session.add_all([TwoStep(user_id=user.id, secret="JBSWY3DPEHPK3PXP", created_at=utcnow(),
                                enabled_at=utcnow()),
                        RecoveryCode(user_id=user.id, code_hash="x", created_at=utcnow())])
    db.session.commit()
    privacy.anonymise(user, GOOD, confirmed=True)
    for model in (TwoStep, RecoveryCode):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0
