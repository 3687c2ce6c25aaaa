"""Accounts: sign-up and its e-mail confirmation, login, passwords, reset links and language
preference.

Signing in itself (the session a browser then holds) is services.sessions; an account under
attack slows down in services.login_guard; invitations and members are services.members;
password strength is services.passwords. What happens here is recorded in the audit log
(services.audit).

Whether an address has an account is never told: login for an unknown address checks a dummy
hash (about the same time as a real check), sign-up with a taken address gives the same answer
as a new one and mails the address's owner instead, and forgot-password answers the same."""
from __future__ import annotations

import secrets

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from govtech import security
from govtech.extensions import db
from govtech.models import Organisation, OrgKind, OrgState, Role, SessionEnd, User
from govtech.services import (
    account_mail,
    audit,
    history,
    links,
    login_guard,
    notifications,
    passwords,
    sessions,
    transaction,
)
from govtech.services.errors import DomainError

_TOKEN_SALTS = {"reset": "password-reset", "invite": "invitation",
                "confirm": "email-confirmation"}
_TOKEN_AGES = {"reset": "RESET_TOKEN_MAX_AGE", "invite": "INVITE_TOKEN_MAX_AGE",
               "confirm": "CONFIRM_TOKEN_MAX_AGE"}
_dummy_hashes: dict[str, str] = {}


def hash_password(password: str) -> str:
    """Hash with the configured method (scrypt by default; tests use a cheaper one)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def normalise_email(email: str) -> str:
    return email.strip().lower()


def dummy_hash() -> str:
    """A hash of nothing anyone knows, made with the configured method: checked against the
    password given for an unknown address, so that login takes about as long either way."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _dummy_hashes:
        _dummy_hashes[method] = hash_password(secrets.token_urlsafe(24))
    return _dummy_hashes[method]


def check_password(password: str, *personal: str | None) -> None:
    """Refuse a weak password, with the reason next to the password field (services.passwords);
    `personal`: the user's e-mail address, name and organisation name."""
    if problem := passwords.problem(password, *personal):
        raise DomainError(problem, field="password")


def _personal(user: User) -> tuple[str, str, str]:
    return user.email, user.name, user.organisation.name if user.organisation else ""


def email_taken(email: str) -> bool:
    return db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None


def _check_email_free(email: str) -> None:
    if email_taken(email):
        raise DomainError(_("An account with this e-mail address already exists."), field="email")


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


@transaction.unit_of_work()
def signup(*, kind: OrgKind, org_name: str, name: str, email: str, password: str,
           prefecture: str | None = None, lg_code: str | None = None) -> User | None:
    """Create a pending organisation and its first user (its administrator), who must confirm
    the e-mail address by the mailed link before logging in; only then do the managers hear
    of it (`confirm_email`). For an address that already has an account nothing is created
    and None returned: the page answers the same, and the address's owner is told by mail."""
    email = normalise_email(email)
    check_password(password, email, name, org_name)
    if kind == OrgKind.municipality and lg_code:
        taken = db.session.scalar(select(Organisation.id).where(Organisation.lg_code == lg_code))
        if taken is not None:
            raise DomainError(_("This local-government code is already registered."),
                              field="lg_code")
    password_hash = hash_password(password)  # for a taken address too: the same time
    if (owner := find_user(email)) is not None:
        account_mail.tell(owner, "emails/signup_existing.txt",
                          lambda: _("Someone tried to sign up with your e-mail address"))
        return None
    org = Organisation(kind=kind, name=org_name.strip(), state=OrgState.pending,
                       prefecture=prefecture or None, lg_code=lg_code or None, regions_served=[])
    if kind == OrgKind.startup:
        org.head_office_prefecture = prefecture or None
    user = User(email=email, name=name.strip(), role=Role(kind.value), organisation=org,
                password_hash=password_hash, is_org_admin=True, awaiting_confirmation=True,
                locale=_page_locale())
    db.session.add_all([org, user])
    db.session.flush()
    history.record("organisation", org.id, user, None, OrgState.pending, _("Signed up"))
    _send_confirmation(user)
    return user


def _page_locale() -> str | None:
    """The language the sign-up page was shown in: its mails speak it too."""
    locale = str(get_locale() or "")
    return locale if locale in current_app.config["LANGUAGES"] else None


def _send_confirmation(user: User) -> None:
    account_mail.tell(
        user, "emails/confirm_email.txt", lambda: _("Confirm your e-mail address"),
        link=security.external_url("auth.confirm_email", token=make_token(user, "confirm")),
        hours=current_app.config["CONFIRM_TOKEN_MAX_AGE"] // 3600)


@transaction.unit_of_work()
def confirm_email(token: str) -> User:
    """The sign-up's address is confirmed: the user may log in, and the managers now hear of
    the new organisation."""
    user = user_for_token(token, "confirm")
    if not user.awaiting_confirmation:
        raise DomainError(_("This address has already been confirmed. Please log in."))
    user.awaiting_confirmation = False
    audit.record("signup.confirmed", actor=user, target=user)
    if user.organisation is not None:
        notifications.notify(notifications.managers(), "org_pending",
                             url=f"/admin/organisations?state=pending#org-{user.organisation.id}",
                             org=user.organisation.name)
    return user


def resend_confirmation(email: str) -> None:
    """Mail a new confirmation link if this address awaits one; say nothing either way."""
    user = find_user(email)
    if user is not None and user.awaiting_confirmation:
        _send_confirmation(user)


class LoginRefused(DomainError):
    status = 401


class LoginDelayed(DomainError):
    status = 429


def authenticate(email: str, password: str) -> User:
    """Return the user for these credentials, or raise LoginRefused with the reason; a refusal
    is recorded in the audit log (its own unit: call this outside one). It opens no session:
    `sessions.start` does, once the caller signs the user in."""
    if login_guard.waiting(email):  # an account under attack: no password is tried
        raise LoginDelayed(_("Too many failed attempts to log in to this account. Please wait a "
                             "few minutes and try again."))
    user = find_user(email)
    refusal, reason = _login_refusal(user, password)
    if refusal:
        started = reason in ("unknown", "password") and login_guard.failed(email)
        _login_failed(email, user, reason)
        if started:
            record_lockout(email, "delay")
        raise LoginRefused(refusal)
    assert user is not None  # no refusal: the account exists
    login_guard.succeeded(email)
    return user


def _login_refusal(user: User | None, password: str) -> tuple[str | None, str]:
    """The message and the audit log's reason for refusing this login, or (None, "")."""
    if user is None:
        check_password_hash(dummy_hash(), password)  # the same work as for a real account
        return _("The e-mail address or password is not correct."), "unknown"
    if not check_password_hash(user.password_hash, password):
        return _("The e-mail address or password is not correct."), "password"
    if user.is_disabled:
        return _("This account has been disabled. Please contact your organisation's "
                 "administrator or the programme office."), "disabled"
    if user.awaiting_confirmation:
        return _("Please confirm your e-mail address first with the link we sent you. You "
                 "can ask for a new link below."), "unconfirmed"
    if user.is_suspended:
        return _("Your organisation's account is suspended. Please contact the programme "
                 "office."), "suspended"
    if user.is_invited:
        return _("Please set your password with the link in your invitation e-mail."), "invited"
    return None, ""


@transaction.unit_of_work()
def _login_failed(email: str, user: User | None, reason: str) -> None:
    """A refused login: the address tried (never the password); for an address with no
    account the actor stays empty, so the log names no one who does not exist."""
    audit.record("login.failed", actor=user, email=normalise_email(email)[:254], reason=reason)


@transaction.unit_of_work()
def record_lockout(email: str, limit: str) -> None:
    """Logins were locked: by the rate limiter (`limit`: "account" or "address") or by the
    account's growing delay ("delay", services.login_guard); an account's owner is told by
    e-mail when it was their account's attempts that were limited."""
    user = find_user(email)
    audit.record("login.locked", actor=user, email=normalise_email(email)[:254], limit=limit)
    if user is not None and limit in ("account", "delay"):
        account_mail.tell(user, "emails/login_locked.txt",
                          lambda: _("Logins to your account were paused"))


@transaction.unit_of_work()
def change_password(user: User, current: str, new: str, *, keep_token: str | None = None) -> None:
    """Change a password after proving the current one; every other session ends (the one
    `keep_token` opens, the browser that made the change, stays). The account page goes
    through `reauth.change_password`, which also asks for a two-step code when it is on."""
    if not check_password_hash(user.password_hash, current):
        raise DomainError(_("The current password is not correct."), field="current_password")
    check_password(new, *_personal(user))
    user.password_hash = hash_password(new)
    ended = sessions.end_all(user, SessionEnd.PASSWORD_CHANGED, keep_token=keep_token)
    audit.record("password.changed", actor=user, target=user, sessions_ended=ended)
    account_mail.tell(user, "emails/password_changed.txt",
                      lambda: _("Your password was changed"), reset=False)


@transaction.unit_of_work()
def set_locale(user: User, locale: str) -> None:
    """Remember the user's language choice."""
    if locale not in current_app.config["LANGUAGES"]:
        raise DomainError(_("Unknown language."))
    user.locale = locale


@transaction.unit_of_work()
def create_manager(email: str, name: str, password: str) -> User:
    """Programme-office accounts are made from the command line, never by sign-up."""
    email = normalise_email(email)
    _check_email_free(email)
    check_password(password, email, name)
    user = User(email=email, name=name, role=Role.manager,
                password_hash=hash_password(password))
    db.session.add(user)
    return user


# --- links by e-mail: password reset and invitations -------------------------------------------

def make_token(user: User, purpose: str) -> str:
    """A signed link token bound to the current password, so it works once."""
    return links.make(_TOKEN_SALTS[purpose], {"uid": user.id, "fp": links.password_mark(user)})


def user_for_token(token: str, purpose: str) -> User:
    """The user a valid token names; a clear error when it is expired, used or forged."""
    data = links.read(_TOKEN_SALTS[purpose], token, current_app.config[_TOKEN_AGES[purpose]])
    uid = data.get("uid")
    user = db.session.get(User, uid) if isinstance(uid, int) else None
    if user is None or user.is_disabled or links.password_mark(user) != data.get("fp"):
        raise DomainError(_("This link has already been used. Please ask for a new one."))
    return user


def request_password_reset(email: str) -> None:
    """E-mail a reset link if the account exists; say nothing either way (no account probing)."""
    user = find_user(email)
    if user is None or user.is_suspended or user.is_disabled:
        return
    account_mail.tell(user, "emails/reset_password.txt", lambda: _("Reset your password"),
                      link=security.external_url("auth.reset_password",
                                                 token=make_token(user, "reset")))


@transaction.unit_of_work()
def reset_password(token: str, password: str, purpose: str = "reset") -> User:
    """Set a new password from a reset or invitation link; the link cannot be used again."""
    user = user_for_token(token, purpose)
    check_password(password, *_personal(user))
    user.password_hash = hash_password(password)
    user.is_invited = False
    if purpose == "reset":  # whoever held a session may have known the old password
        ended = sessions.end_all(user, SessionEnd.PASSWORD_RESET)
        audit.record("password.reset", actor=user, target=user, sessions_ended=ended)
        account_mail.tell(user, "emails/password_changed.txt",
                          lambda: _("Your password was reset"), reset=True)
    return user
