"""An organisation's members: invitations, disabling and re-enabling, its administrator.

An organisation's administrator (its first member, or one a manager promotes) invites
colleagues, disables and re-enables them, and resends or revokes invitations; managers may do
all of this for any organisation, and disable any user, another manager included, but never the
last active manager. A disabled user's sessions end at once and the cookie loader refuses them.

A members form carries the state its row showed (`seen`: "active", "disabled" or "invited"); if
the member moved on since, the change is refused as stale (409) and nothing changes.
Invitations per organisation per day are limited (INVITES_PER_ORG_PER_DAY), counted from the
audit log; inviting an address that already has an account answers exactly as for a new one.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from govtech import security
from govtech.extensions import db
from govtech.models import AuditEvent, Organisation, OrgState, Role, SessionEnd, User
from govtech.models.base import utcnow
from govtech.services import access, account_mail, accounts, audit, sessions, transaction
from govtech.services.errors import ConcurrentChange, DomainError, NotFound

STALE = _l("This member has changed since the page was loaded. Please look at the list again.")
_INVITE_EVENTS = ("member.invited", "invitation.resent")


def state_of(user: User) -> str:
    if user.is_disabled:
        return "disabled"
    return "invited" if user.is_invited else "active"


def can_manage(actor: User | None, org_id: int | None) -> bool:
    """The programme office, or the administrator of this (approved) organisation."""
    return access.manager(actor) or bool(
        actor is not None and actor.is_org_admin and access.acts_for(actor, org_id))


def is_org_admin(actor: User | None) -> bool:
    """An approved organisation's administrator (reads its own audit events, manages members)."""
    return bool(actor is not None and access.own_org_id(actor) is not None
                and actor.is_org_admin)


def organisation_for(actor: User, org_id: int | None) -> Organisation:
    """The organisation whose members the actor may see: managers any, members their own."""
    org = db.session.get(Organisation, org_id) if org_id is not None else None
    return access.visible_or_404(org, access.manager(actor) or access.acts_for(
        actor, org_id), _("This organisation does not exist."))


def members_of(org: Organisation) -> list[User]:
    return list(db.session.scalars(select(User).where(User.organisation_id == org.id)
                                   .order_by(User.is_invited, User.name, User.id)))


def managers() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == Role.manager)
                                   .order_by(User.name, User.id)))


def _member(actor: User, user_id: int, seen: str) -> User:
    """The user the form names, if the actor may manage them (else 404), as the form saw it."""
    user = db.session.get(User, user_id)
    allowed = user is not None and (access.manager(actor) or (
        not user.is_manager and can_manage(actor, user.organisation_id)))
    user = access.visible_or_404(user, allowed, _("This member does not exist."))
    if state_of(user) != seen:
        raise ConcurrentChange(str(STALE))
    return user


def _active_managers() -> int:
    return db.session.scalar(select(func.count(User.id)).where(
        User.role == Role.manager, User.is_disabled.is_(False))) or 0


def ensure_not_last_manager(user: User) -> None:
    if user.is_manager and not user.is_disabled and _active_managers() <= 1:
        raise DomainError(_("The last active programme manager cannot be disabled or "
                            "deleted."))


@transaction.unit_of_work(STALE)
def disable(actor: User, user_id: int, seen: str) -> User:
    """Disable a member (or, for managers, any user): every session ends at once."""
    user = _member(actor, user_id, seen)
    if user.id == actor.id:
        raise DomainError(_("You cannot disable your own account."))
    ensure_not_last_manager(user)
    user.is_disabled = True
    ended = sessions.end_all(user, SessionEnd.DISABLED, actor=actor)
    audit.record("member.disabled", actor=actor, organisation_id=user.organisation_id,
                 target=user, email=user.email, sessions_ended=ended)
    account_mail.tell(user, "emails/member_disabled.txt", _l("Your account has been disabled"))
    return user


@transaction.unit_of_work(STALE)
def enable(actor: User, user_id: int, seen: str) -> User:
    user = _member(actor, user_id, seen)
    user.is_disabled = False
    audit.record("member.enabled", actor=actor, organisation_id=user.organisation_id,
                 target=user, email=user.email)
    return user


@transaction.unit_of_work(STALE)
def promote(actor: User, user_id: int, seen: str) -> User:
    """A manager makes a member their organisation's administrator."""
    access.require(access.manager(actor), _("Only the programme office can choose an "
                                            "organisation's administrator."))
    user = _member(actor, user_id, seen)
    if user.organisation_id is None or user.is_org_admin:
        raise DomainError(_("This member is already an administrator."))
    user.is_org_admin = True
    audit.record("role.changed", actor=actor, organisation_id=user.organisation_id,
                 target=user, email=user.email, role="org_admin")
    return user


# --- invitations ----------------------------------------------------------------------------

def _check_can_invite(actor: User, org: Organisation) -> None:
    if org.state != OrgState.approved:
        raise DomainError(_("This organisation is not active, so no one can be invited to it."))
    since = utcnow() - timedelta(days=1)
    sent = db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.organisation_id == org.id, AuditEvent.event.in_(_INVITE_EVENTS),
        AuditEvent.created_at >= since)) or 0
    if sent >= current_app.config["INVITES_PER_ORG_PER_DAY"]:
        raise DomainError(_("Your organisation has sent as many invitations as it may today. "
                            "Please try again tomorrow."))


def _invitation_mail(actor: User, user: User, org: Organisation) -> None:
    """The invitation is written in the inviting colleague's language."""
    account_mail.tell(
        user, "emails/invitation.txt", lambda: _("You are invited to %(org)s", org=org.name),
        language_of=actor, actor=actor,
        link=security.external_url("auth.accept_invitation",
                                   token=accounts.make_token(user, "invite")))


@transaction.unit_of_work()
def invite(actor: User, *, email: str, name: str) -> str:
    """The organisation's administrator invites a colleague; they set a password by the
    e-mailed link. Returns the address: an address that
    already has an account gets the same answer, and nothing is created or sent."""
    org_id = actor.organisation_id
    if actor.organisation is not None and actor.organisation.state == OrgState.suspended:
        _check_can_invite(actor, actor.organisation)  # refused: not active
    access.require(org_id is not None and can_manage(actor, org_id),
                   _("Only your organisation's administrator can invite colleagues."))
    org = actor.organisation
    assert org is not None  # checked above
    _check_can_invite(actor, org)
    email = accounts.normalise_email(email)
    password_hash = accounts.hash_password(secrets.token_urlsafe(32))
    if accounts.email_taken(email):
        audit.record("member.invited", actor=actor, email=email, existing=True)
        return email
    user = User(email=email, name=name.strip(), role=actor.role, organisation=org,
                is_invited=True, password_hash=password_hash)
    db.session.add(user)
    db.session.flush()
    audit.record("member.invited", actor=actor, target=user, email=email)
    _invitation_mail(actor, user, org)
    return email


@transaction.unit_of_work(STALE)
def resend(actor: User, user_id: int, seen: str) -> User:
    user = _member(actor, user_id, seen)
    if not user.is_invited or user.organisation is None:
        raise NotFound(_("This invitation does not exist."))
    _check_can_invite(actor, user.organisation)
    audit.record("invitation.resent", actor=actor, organisation_id=user.organisation_id,
                 target=user, email=user.email)
    _invitation_mail(actor, user, user.organisation)
    return user


@transaction.unit_of_work(STALE)
def revoke(actor: User, user_id: int, seen: str) -> User:
    """Withdraw an invitation: its link stops working (the password it was bound to changes)
    and the account stays disabled."""
    user = _member(actor, user_id, seen)
    if not user.is_invited:
        raise NotFound(_("This invitation does not exist."))
    user.password_hash = accounts.hash_password(secrets.token_urlsafe(32))
    user.is_disabled = True
    audit.record("invitation.revoked", actor=actor, organisation_id=user.organisation_id,
                 target=user, email=user.email)
    return user


ACTIONS = {"disable": disable, "enable": enable, "promote": promote, "resend": resend,
           "revoke": revoke}
