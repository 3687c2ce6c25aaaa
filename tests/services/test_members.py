"""Members (issue 10 item 3): the administrator's and the managers' moves, and their limits."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from govtech.extensions import db
from govtech.models import AuditEvent, OrgKind, OrgState, SessionEnd, User, UserSession
from govtech.services import accounts, members, organisations, sessions
from govtech.services.errors import ConcurrentChange, DomainError, NotFound, PermissionDenied

GOOD = "a-sturdy-passphrase-42"


def _manager(email: str = "office@example.jp") -> User:
    return accounts.find_user(email) or accounts.create_manager(email, "Office", GOOD)


def _admin(email: str = "dx@city.example.jp", org_name: str = "テスト市") -> User:
    user = accounts.signup(kind=OrgKind.municipality, org_name=org_name, name="山田 花子",
                           email=email, password=GOOD, prefecture="11")
    accounts.confirm_email(accounts.make_token(user, "confirm"))
    organisations.set_state(_manager(), user.organisation, OrgState.approved)
    return user


def _colleague(admin: User, email: str = "mate@city.example.jp") -> User:
    members.invite(admin, email=email, name="同僚")
    colleague = accounts.find_user(email)
    accounts.reset_password(accounts.make_token(colleague, "invite"), GOOD, "invite")
    return colleague


def _events(name: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == name)))


def test_the_first_member_is_the_administrator_and_invites(ctx):
    admin = _admin()
    colleague = _colleague(admin)
    assert admin.is_org_admin and not colleague.is_org_admin
    with pytest.raises(PermissionDenied):  # a plain member may not invite
        members.invite(colleague, email="third@city.example.jp", name="三人目")
    assert [u.id for u in members.members_of(admin.organisation)] == sorted(
        [admin.id, colleague.id], key=lambda i: db.session.get(User, i).name)


def test_disable_ends_sessions_at_once_and_enable_restores(ctx, outbox):
    admin = _admin()
    colleague = _colleague(admin)
    sessions.start(colleague)
    outbox.clear()
    members.disable(admin, colleague.id, "active")
    assert colleague.is_disabled
    record = db.session.scalars(select(UserSession).where(
        UserSession.user_id == colleague.id)).one()
    assert record.end_reason == SessionEnd.DISABLED
    assert outbox.messages()[-1]["To"] == colleague.email
    (event,) = _events("member.disabled")
    assert (event.actor_id, event.target_id, event.organisation_id) == (
        admin.id, colleague.id, admin.organisation_id)
    with pytest.raises(accounts.LoginRefused):
        accounts.authenticate(colleague.email, GOOD)
    members.enable(admin, colleague.id, "disabled")
    assert accounts.authenticate(colleague.email, GOOD) == colleague
    assert len(_events("member.enabled")) == 1


def test_a_stale_form_changes_nothing(ctx):
    admin = _admin()
    colleague = _colleague(admin)
    members.disable(admin, colleague.id, "active")
    with pytest.raises(ConcurrentChange):
        members.disable(admin, colleague.id, "active")  # the list was loaded before
    assert len(_events("member.disabled")) == 1


def test_someone_of_another_organisation_is_not_found(ctx):
    admin = _admin()
    stranger = _admin("dx@town.example.jp", "別の町")
    with pytest.raises(NotFound):
        members.disable(admin, stranger.id, "active")
    with pytest.raises(NotFound):
        members.disable(admin, _manager().id, "active")
    assert not stranger.is_disabled


def test_managers_disable_anyone_but_the_last_active_manager(ctx):
    first = _manager()
    second = _manager("second@example.jp")
    members.disable(first, second.id, "active")  # another manager: yes
    assert second.is_disabled
    with pytest.raises(DomainError):  # first is now the last active manager
        members.ensure_not_last_manager(first)
    members.enable(first, second.id, "disabled")
    members.disable(second, first.id, "active")
    with pytest.raises(DomainError):  # nor oneself
        members.disable(second, second.id, "active")
    assert not second.is_disabled


def test_the_last_active_manager_cannot_be_disabled(ctx):
    only = _manager()
    other = _manager("other@example.jp")
    members.disable(only, other.id, "active")
    admin = _admin()
    with pytest.raises(NotFound):  # an administrator cannot even find a manager
        members.disable(admin, only.id, "active")
    with pytest.raises(DomainError):
        members.ensure_not_last_manager(only)
    assert not only.is_disabled


def test_managers_promote_an_administrator(ctx):
    admin = _admin()
    colleague = _colleague(admin)
    with pytest.raises(PermissionDenied):
        members.promote(admin, colleague.id, "active")
    members.promote(_manager(), colleague.id, "active")
    assert colleague.is_org_admin
    assert _events("role.changed")[0].detail["role"] == "org_admin"


def test_invitations_resend_revoke_and_their_limit(ctx, app, outbox, monkeypatch):
    admin = _admin()
    members.invite(admin, email="new@city.example.jp", name="新人")
    invited = accounts.find_user("new@city.example.jp")
    token = accounts.make_token(invited, "invite")
    members.resend(admin, invited.id, "invited")
    assert "/invitation/" in outbox.last_body() and len(_events("invitation.resent")) == 1
    monkeypatch.setitem(app.config, "INVITES_PER_ORG_PER_DAY", 2)
    with pytest.raises(DomainError):
        members.invite(admin, email="third@city.example.jp", name="三人目")
    assert accounts.find_user("third@city.example.jp") is None
    members.revoke(admin, invited.id, "invited")
    with pytest.raises(DomainError):  # the link no longer works
        accounts.user_for_token(token, "invite")
    assert len(_events("invitation.revoked")) == 1


def test_no_invitation_for_a_suspended_organisation(ctx):
    admin = _admin()
    organisations.set_state(_manager(), admin.organisation, OrgState.suspended)
    with pytest.raises(DomainError) as refused:
        members.invite(admin, email="new@city.example.jp", name="新人")
    assert refused.value.status == 400 and accounts.find_user("new@city.example.jp") is None


def test_inviting_an_existing_address_creates_nothing(ctx, outbox):
    admin = _admin()
    other = _admin("dx@town.example.jp", "別の町")
    outbox.clear()
    assert members.invite(admin, email=other.email.upper(), name="誰か") == other.email
    assert other.organisation_id != admin.organisation_id and outbox.messages() == []
    assert _events("member.invited")[-1].detail["existing"] is True
