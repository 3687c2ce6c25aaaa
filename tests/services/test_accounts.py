"""Accounts service: sign-up, login rules, passwords, links and invitations."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from govtech.extensions import db
from govtech.models import HistoryEvent, OrgKind, OrgState, Role
from govtech.services import accounts, organisations
from govtech.services.errors import DomainError, PermissionDenied

GOOD = "a-sturdy-passphrase-42"


def _signup(email="dx@city.example.jp", kind=OrgKind.municipality, **kwargs):
    return accounts.signup(kind=kind, org_name="テスト市", name="山田 花子", email=email,
                           password=kwargs.pop("password", GOOD), prefecture="11", **kwargs)


def test_signup_creates_pending_org_with_history(ctx):
    user = _signup(lg_code="111007")
    assert user.role == Role.municipality and user.organisation.state == OrgState.pending
    event = db.session.scalars(select(HistoryEvent)).one()
    assert (event.entity_type, event.entity_id, event.to_state) == (
        "organisation", user.organisation.id, "pending")


def test_duplicate_email_is_refused_case_insensitively(ctx):
    _signup()
    with pytest.raises(DomainError) as error:
        _signup(email="DX@City.Example.JP")
    assert error.value.field == "email"


@pytest.mark.parametrize("password", ["short", "1234567890123", "aaaaaaaaaaaa", "password123",
                                      "dxofficer-secret"])
def test_weak_passwords_are_refused(ctx, password):
    with pytest.raises(DomainError) as error:
        _signup(email="dxofficer@city.example.jp", password=password)
    assert error.value.field == "password"


def test_wrong_password_is_refused(ctx):
    _signup()
    with pytest.raises(accounts.LoginRefused):
        accounts.authenticate("dx@city.example.jp", "not-the-password-1")


def test_pending_user_may_log_in_but_suspended_may_not(ctx):
    user = _signup()
    assert accounts.authenticate("dx@city.example.jp", GOOD).id == user.id
    manager = accounts.create_manager("office@example.jp", "Office", GOOD)
    organisations.set_state(manager, user.organisation, OrgState.suspended)
    with pytest.raises(accounts.LoginRefused, match="停止"):
        accounts.authenticate("dx@city.example.jp", GOOD)


def test_change_password_needs_the_current_one(ctx):
    user = _signup()
    with pytest.raises(DomainError):
        accounts.change_password(user, "wrong-password-1", "another-good-one-7")
    accounts.change_password(user, GOOD, "another-good-one-7")
    assert accounts.authenticate(user.email, "another-good-one-7") == user


def test_reset_link_works_once(ctx):
    user = _signup()
    token = accounts.make_token(user, "reset")
    accounts.reset_password(token, "brand-new-secret-8")
    with pytest.raises(DomainError, match="すでに使用"):
        accounts.reset_password(token, "yet-another-secret-9")


def test_expired_reset_link_is_refused(ctx, app, monkeypatch):
    user = _signup()
    token = accounts.make_token(user, "reset")
    monkeypatch.setitem(app.config, "RESET_TOKEN_MAX_AGE", -1)
    with pytest.raises(DomainError, match="有効期限"):
        accounts.user_for_token(token, "reset")


def test_reset_token_cannot_be_used_as_invitation(ctx):
    user = _signup()
    with pytest.raises(DomainError, match="無効"):
        accounts.user_for_token(accounts.make_token(user, "reset"), "invite")


def test_invitation_needs_an_approved_organisation(ctx):
    user = _signup()
    with pytest.raises(PermissionDenied):
        accounts.invite(user, email="colleague@city.example.jp", name="同僚")


def test_invited_colleague_sets_password_then_logs_in(ctx, outbox):
    user = _signup()
    manager = accounts.create_manager("office@example.jp", "Office", GOOD)
    organisations.set_state(manager, user.organisation, OrgState.approved)
    colleague = accounts.invite(user, email="colleague@city.example.jp", name="同僚")
    assert colleague.organisation_id == user.organisation_id and colleague.role == user.role
    with pytest.raises(accounts.LoginRefused):
        accounts.authenticate(colleague.email, GOOD)
    assert "/invitation/" in outbox.last_body()
    accounts.reset_password(accounts.make_token(colleague, "invite"), "tsubasa-pass-11", "invite")
    assert accounts.authenticate(colleague.email, "tsubasa-pass-11") == colleague


def test_managers_have_no_organisation(ctx):
    manager = accounts.create_manager("Office@Example.jp", "Office", GOOD)
    assert manager.role == Role.manager and manager.organisation is None
    assert manager.email == "office@example.jp"
