"""Accounts service: sign-up and its confirmation, login rules, passwords, links and
invitations."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from govtech.extensions import db
from govtech.models import AuditEvent, HistoryEvent, Notification, OrgKind, OrgState, Role, User
from govtech.services import accounts, members, organisations
from govtech.services.errors import DomainError, PermissionDenied

GOOD = "a-sturdy-passphrase-42"


def _signup(email="dx@city.example.jp", kind=OrgKind.municipality, confirm=True, **kwargs):
    user = accounts.signup(kind=kind, org_name="テスト市", name="山田 花子", email=email,
                           password=kwargs.pop("password", GOOD), prefecture="11", **kwargs)
    if confirm and user is not None:
        accounts.confirm_email(accounts.make_token(user, "confirm"))
    return user


def test_signup_creates_pending_org_with_history(ctx):
    user = _signup(lg_code="111007")
    assert user.role == Role.municipality and user.organisation.state == OrgState.pending
    event = db.session.scalars(select(HistoryEvent)).one()
    assert (event.entity_type, event.entity_id, event.to_state) == (
        "organisation", user.organisation.id, "pending")


def test_signup_with_a_taken_address_creates_nothing_and_tells_its_owner(ctx, outbox):
    """Issue 10 item 4 changes this: a taken address is no longer refused on the page (that
    told anyone which addresses have accounts); nothing is made, and its owner is mailed."""
    first = _signup()
    outbox.clear()
    assert _signup(email="DX@City.Example.JP", lg_code=None) is None
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert outbox.messages()[-1]["To"] == first.email
    assert "/password/forgot" in outbox.last_body()  # how to get back in, if it was them


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
    user = _signup()  # confirmed
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
        members.invite(user, email="colleague@city.example.jp", name="同僚")


def test_invited_colleague_sets_password_then_logs_in(ctx, outbox):
    user = _signup()
    manager = accounts.create_manager("office@example.jp", "Office", GOOD)
    organisations.set_state(manager, user.organisation, OrgState.approved)
    members.invite(user, email="colleague@city.example.jp", name="同僚")
    colleague = accounts.find_user("colleague@city.example.jp")
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


# --- sign-up confirmation (issue 10 item 5) ----------------------------------------------------

def test_signup_waits_for_the_confirmed_address_before_the_managers_hear(ctx, outbox):
    manager = accounts.create_manager("office@example.jp", "Office", GOOD)
    user = _signup(confirm=False)
    assert user.awaiting_confirmation and user.is_org_admin
    assert db.session.scalar(select(func.count(Notification.id))) == 0
    assert "/signup/confirm/" in outbox.last_body()
    with pytest.raises(accounts.LoginRefused) as refused:
        accounts.authenticate(user.email, GOOD)
    assert "/signup/resend" not in refused.value.message  # the page offers the link
    token = accounts.make_token(user, "confirm")
    accounts.confirm_email(token)
    assert not user.awaiting_confirmation
    note = db.session.scalars(select(Notification)).one()
    assert (note.user_id, note.kind) == (manager.id, "org_pending")
    assert db.session.scalars(select(AuditEvent.event).where(
        AuditEvent.event == "signup.confirmed")).one()
    assert accounts.authenticate(user.email, GOOD) == user
    with pytest.raises(DomainError):  # a second use
        accounts.confirm_email(token)


def test_confirmation_link_expires_and_cannot_be_forged(ctx, app, monkeypatch):
    user = _signup(confirm=False)
    token = accounts.make_token(user, "confirm")
    with pytest.raises(DomainError, match="無効"):
        accounts.confirm_email(accounts.make_token(user, "reset"))
    monkeypatch.setitem(app.config, "CONFIRM_TOKEN_MAX_AGE", -1)
    with pytest.raises(DomainError, match="有効期限"):
        accounts.confirm_email(token)
    assert user.awaiting_confirmation


def test_resend_confirmation_mails_only_an_address_that_waits(ctx, outbox):
    user = _signup(confirm=False)
    outbox.clear()
    accounts.resend_confirmation("nobody@example.jp")
    assert outbox.messages() == []
    accounts.resend_confirmation(user.email.upper())
    assert "/signup/confirm/" in outbox.last_body()
    accounts.confirm_email(accounts.make_token(user, "confirm"))
    outbox.clear()
    accounts.resend_confirmation(user.email)
    assert outbox.messages() == []


# --- uniform answers (issue 10 item 4) ---------------------------------------------------------

def test_login_for_an_unknown_address_checks_a_dummy_hash(ctx, monkeypatch):
    checked = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash",
                        lambda stored, given: checked.append(stored) or real(stored, given))
    with pytest.raises(accounts.LoginRefused) as refused:
        accounts.authenticate("nobody@example.jp", GOOD)
    assert checked == [accounts.dummy_hash()]
    _signup()
    with pytest.raises(accounts.LoginRefused) as wrong:
        accounts.authenticate("dx@city.example.jp", "not-the-password-1")
    assert wrong.value.message == refused.value.message and len(checked) == 2


def test_signup_hashes_the_password_for_a_taken_address_too(ctx, monkeypatch):
    _signup()
    hashed = []
    real = accounts.hash_password
    monkeypatch.setattr(accounts, "hash_password",
                        lambda password: hashed.append(password) or real(password))
    assert _signup(email="dx@city.example.jp", lg_code=None) is None
    assert hashed == [GOOD]


def test_a_disabled_user_cannot_log_in_nor_reset(ctx, outbox):
    user = _signup()
    user.is_disabled = True
    db.session.commit()
    with pytest.raises(accounts.LoginRefused):
        accounts.authenticate(user.email, GOOD)
    failed = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "login.failed"))
    assert failed.one().detail["reason"] == "disabled"
    outbox.clear()
    accounts.request_password_reset(user.email)
    assert outbox.messages() == []
