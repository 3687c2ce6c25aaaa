"""Accounts: sign-up, login, passwords, invitations, reset links and language preference.

Signing in itself (the session a browser then holds) is services.sessions; what happens here is
recorded in the audit log (services.audit)."""
from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import current_app, render_template
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from govtech import mail, security
from govtech.extensions import db
from govtech.models import Organisation, OrgKind, OrgState, Role, SessionEnd, User
from govtech.services import access, audit, history, notifications, sessions, transaction
from govtech.services.errors import DomainError

MIN_PASSWORD_LENGTH = 10
_COMMON_PASSWORDS = frozenset(
    {"password12", "password123", "1234567890", "qwertyuiop", "iloveyou12", "adminadmin",
     "letmein123", "welcome123", "abcdefghij", "0123456789", "password1234", "passw0rd12"}
)
_TOKEN_SALTS = {"reset": "password-reset", "invite": "invitation"}


def hash_password(password: str) -> str:
    """Hash with the configured method (scrypt by default; tests use a cheaper one)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def normalise_email(email: str) -> str:
    return email.strip().lower()


def password_problem(password: str, email: str = "") -> str | None:
    """Why a password is too weak, translated, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    if password.lower() in _COMMON_PASSWORDS or len(set(password)) < 4:
        return _("This password is too easy to guess.")
    local = normalise_email(email).split("@")[0]
    if len(local) >= 4 and local in password.lower():
        return _("Do not use your e-mail address in the password.")
    if password.isdigit():
        return _("Use letters as well as digits.")
    return None


def _check_password(password: str, email: str) -> None:
    if problem := password_problem(password, email):
        raise DomainError(problem, field="password")


def _check_email_free(email: str) -> None:
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise DomainError(_("An account with this e-mail address already exists."), field="email")


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


@transaction.unit_of_work()
def signup(*, kind: OrgKind, org_name: str, name: str, email: str, password: str,
           prefecture: str | None = None, lg_code: str | None = None) -> User:
    """Create a pending organisation and its first user; a manager approves it later."""
    email = normalise_email(email)
    _check_email_free(email)
    _check_password(password, email)
    if kind == OrgKind.municipality and lg_code:
        taken = db.session.scalar(select(Organisation.id).where(Organisation.lg_code == lg_code))
        if taken is not None:
            raise DomainError(_("This local-government code is already registered."),
                              field="lg_code")
    org = Organisation(kind=kind, name=org_name.strip(), state=OrgState.pending,
                       prefecture=prefecture or None, lg_code=lg_code or None, regions_served=[])
    if kind == OrgKind.startup:
        org.head_office_prefecture = prefecture or None
    user = User(email=email, name=name.strip(), role=Role(kind.value), organisation=org,
                password_hash=hash_password(password))
    db.session.add_all([org, user])
    db.session.flush()
    history.record("organisation", org.id, user, None, OrgState.pending, _("Signed up"))
    notifications.notify(notifications.managers(), "org_pending",
                         url="/admin/organisations?state=pending", org=org.name)
    return user


class LoginRefused(DomainError):
    status = 401


def authenticate(email: str, password: str) -> User:
    """Return the user for these credentials, or raise LoginRefused with the reason; a refusal
    is recorded in the audit log (its own unit: call this outside one). It opens no session:
    `sessions.start` does, once the caller signs the user in."""
    user = find_user(email)
    refusal, reason = _login_refusal(user, password)
    if refusal:
        _login_failed(email, user, reason)
        raise LoginRefused(refusal)
    assert user is not None  # no refusal: the account exists
    return user


def _login_refusal(user: User | None, password: str) -> tuple[str | None, str]:
    """The message and the audit log's reason for refusing this login, or (None, "")."""
    if user is None or not check_password_hash(user.password_hash, password):
        return _("The e-mail address or password is not correct."), (
            "unknown" if user is None else "password")
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
    """The rate limiter locked logins (`limit`: "account" or "address"); an account's owner
    is told by e-mail when it was their account's attempts that were limited."""
    user = find_user(email)
    audit.record("login.locked", actor=user, email=normalise_email(email)[:254], limit=limit)
    if user is not None and limit == "account":
        _tell(user, "emails/login_locked.txt", lambda: _("Logins to your account were paused"))


def _tell(user: User, template: str, subject: Callable[[], str], **values: object) -> None:
    """Mail the account's owner about their account, in their language, once committed."""
    link = security.external_url("auth.forgot_password")
    with force_locale(user.locale or "ja"):
        title = subject()
        body = render_template(template, user=user, link=link, address=audit.client_address(),
                               when=format_datetime(sessions.clock(), "long"), **values)
    transaction.after_commit(lambda: mail.send(user.email, title, body))


@transaction.unit_of_work()
def change_password(user: User, current: str, new: str, *, keep_token: str | None = None) -> None:
    """Change a password after proving the current one; every other session ends (the one
    `keep_token` opens, the browser that made the change, stays)."""
    if not check_password_hash(user.password_hash, current):
        raise DomainError(_("The current password is not correct."), field="current_password")
    _check_password(new, user.email)
    user.password_hash = hash_password(new)
    ended = sessions.end_all(user, SessionEnd.PASSWORD_CHANGED, keep_token=keep_token)
    audit.record("password.changed", actor=user, target=user, sessions_ended=ended)
    _tell(user, "emails/password_changed.txt", lambda: _("Your password was changed"),
          reset=False)


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
    _check_password(password, email)
    user = User(email=email, name=name, role=Role.manager,
                password_hash=hash_password(password))
    db.session.add(user)
    return user


# --- links by e-mail: password reset and invitations -------------------------------------------

def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_TOKEN_SALTS[purpose])


def make_token(user: User, purpose: str) -> str:
    """A signed link token bound to the current password, so it works once."""
    return _serializer(purpose).dumps({"uid": user.id, "fp": user.password_hash[-16:]})


def user_for_token(token: str, purpose: str) -> User:
    """The user a valid token names; a clear error when it is expired, used or forged."""
    max_age = current_app.config["RESET_TOKEN_MAX_AGE" if purpose == "reset"
                                 else "INVITE_TOKEN_MAX_AGE"]
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise DomainError(_("This link has expired. Please ask for a new one.")) from exc
    except BadSignature as exc:
        raise DomainError(_("This link is not valid.")) from exc
    user = db.session.get(User, data.get("uid"))
    if user is None or user.password_hash[-16:] != data.get("fp"):
        raise DomainError(_("This link has already been used. Please ask for a new one."))
    return user


def request_password_reset(email: str) -> None:
    """E-mail a reset link if the account exists; say nothing either way (no account probing)."""
    user = find_user(email)
    if user is None or user.is_suspended:
        return
    link = security.external_url("auth.reset_password", token=make_token(user, "reset"))
    with force_locale(user.locale or "ja"):
        mail.send(user.email, _("Reset your password"),
                  render_template("emails/reset_password.txt", user=user, link=link))


@transaction.unit_of_work()
def reset_password(token: str, password: str, purpose: str = "reset") -> User:
    """Set a new password from a reset or invitation link; the link cannot be used again."""
    user = user_for_token(token, purpose)
    _check_password(password, user.email)
    user.password_hash = hash_password(password)
    user.is_invited = False
    if purpose == "reset":  # whoever held a session may have known the old password
        ended = sessions.end_all(user, SessionEnd.PASSWORD_RESET)
        audit.record("password.reset", actor=user, target=user, sessions_ended=ended)
        _tell(user, "emails/password_changed.txt", lambda: _("Your password was reset"),
              reset=True)
    return user


@transaction.unit_of_work()
def invite(actor: User, *, email: str, name: str) -> User:
    """Add a colleague to the actor's organisation; they set a password by the e-mailed link."""
    access.require(access.own_org_id(actor) is not None,
                   _("Only members of an approved organisation can invite colleagues."))
    org = actor.organisation
    assert org is not None  # an approved member has one
    email = normalise_email(email)
    _check_email_free(email)
    user = User(email=email, name=name.strip(), role=actor.role,
                organisation=org, is_invited=True,
                password_hash=hash_password(secrets.token_urlsafe(32)))
    db.session.add(user)
    db.session.flush()
    audit.record("member.invited", actor=actor, target=user, email=email)
    link = security.external_url("auth.accept_invitation", token=make_token(user, "invite"))
    with force_locale(actor.locale or "ja"):
        subject = _("You are invited to %(org)s", org=org.name)
        body = render_template("emails/invitation.txt", user=user, actor=actor, link=link)
    transaction.after_commit(lambda: mail.send(user.email, subject, body))
    return user
