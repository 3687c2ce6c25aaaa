"""Two-step sign-in (TOTP, RFC 6238): enrolment, codes at login, recovery codes, the rules.

A user turns it on from /account/security: `begin` makes a secret (shown as a QR code drawn
here, on the server, and in text), `confirm` accepts the first code made from it and hands back
ten recovery codes, shown once and stored only hashed. From then on a login asks for a code
after the password (`sign_in_code`). A code is accepted one 30-second step either side of now
(clock drift), and never twice: the last accepted step is kept and any step up to it refused.

It is required for programme managers and for the members of an organisation that asks for it
(`requires_two_step`, set by `set_required`): `must_enrol` tells the web layer to keep such a
user on the enrolment page until they have it. Turning it on ends every other session; turning
it off or regenerating recovery codes asks for the password and a current code. Every change is
in the audit log and mailed to the user in their language once committed.

`clock()` is the one source of "now" here, so tests can move time.
"""
from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyotp
import segno
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from govtech.extensions import db
from govtech.models import Organisation, RecoveryCode, TwoStep, User
from govtech.models.base import utcnow
from govtech.services import access, account_mail, audit, members, sessions, transaction
from govtech.services.errors import DomainError

STEP_SECONDS = 30
WINDOW = 1  # steps accepted either side of now
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
_RECOVERY_LENGTH = 12  # about 59 bits each
SESSIONS_ENDED = "two_step_on"  # user_session.end_reason when turning it on ends the others


def clock() -> datetime:
    """Now (aware UTC); tests replace it to travel in time."""
    return utcnow()


class CodeRefused(DomainError):
    """A wrong, reused or expired code; `reason` is for the audit log."""

    status = 401

    def __init__(self, message: str, reason: str):
        super().__init__(message, field="code")
        self.reason = reason


class StaleEnrolment(DomainError):
    """The set-up form shows a secret that is no longer the one being enrolled."""

    status = 409


# --- reading --------------------------------------------------------------------------------------

def _record(user: User) -> TwoStep | None:
    return db.session.get(TwoStep, user.id)


def is_enabled(user: User) -> bool:
    record = _record(user)
    return record is not None and record.is_enabled


def is_required(user: User) -> bool:
    """Programme managers, and members of an organisation that requires it."""
    return user.is_manager or bool(user.organisation and user.organisation.requires_two_step)


def must_enrol(user: User) -> bool:
    """Signed in with the password only, though two-step sign-in is required of them."""
    return is_required(user) and not is_enabled(user)


def remaining_codes(user: User) -> int:
    return db.session.scalar(select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def awaiting_code(user_id: object) -> User | None:
    """The user a "password OK" marker names, while they may still log in with a code."""
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.is_disabled or user.is_suspended or not is_enabled(user):
        return None
    return user


@dataclass(frozen=True)
class Enrolment:
    """What the enrolment page shows: the secret in text and as a QR code (inline SVG)."""

    secret: str
    uri: str
    svg: str

    @property
    def grouped(self) -> str:
        """The secret in groups of four, easier to type into an app by hand."""
        return " ".join(self.secret[i:i + 4] for i in range(0, len(self.secret), 4))


def enrolment(user: User) -> Enrolment | None:
    """The enrolment under way (begun, not yet confirmed), or None."""
    record = _record(user)
    if record is None or record.is_enabled:
        return None
    uri = pyotp.TOTP(record.secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["PROGRAMME_NAME"])
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=2, title=_("QR code"))
    return Enrolment(record.secret, uri, svg)


def current_code(user: User) -> str:
    """The code an authenticator would show now (development and demo helpers only)."""
    record = _record(user)
    if record is None:
        raise DomainError(_("Two-step sign-in is not turned on."))
    return pyotp.TOTP(record.secret).at(clock())


# --- codes ----------------------------------------------------------------------------------------

def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _check_totp(record: TwoStep, code: str) -> int:
    """The step of an accepted code; refuses wrong, expired and reused codes."""
    totp = pyotp.TOTP(record.secret)
    now = totp.timecode(clock())
    found = None
    for step in range(now - WINDOW, now + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    if found is None:
        raise CodeRefused(_("This code is not correct or has expired. Enter the code your app "
                            "shows now."), "code")
    if record.last_step is not None and found <= record.last_step:
        raise CodeRefused(_("This code has already been used. Wait for the next code and "
                            "enter it."), "code_reused")
    record.last_step = found
    return found


def _use_recovery_code(user: User, code: str) -> None:
    """Spend one unused recovery code matching `code` (each is checked, hashed and salted)."""
    match = None
    for row in db.session.scalars(select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))):
        if check_password_hash(row.code_hash, code) and match is None:
            match = row
    if match is None:
        raise CodeRefused(_("This recovery code is not correct or has already been used."),
                          "recovery_code")
    match.used_at = clock()


def _check(user: User, record: TwoStep, code: str, *, recovery: bool) -> str:
    """"code" or "recovery_code": which kind of code was accepted."""
    code = _normalise(code)
    if re.fullmatch(r"\d{6}", code):
        _check_totp(record, code)
        return "code"
    if recovery and len(code) == _RECOVERY_LENGTH:
        _use_recovery_code(user, code)
        return "recovery_code"
    raise CodeRefused(_("Enter the 6-digit code from your app, or a recovery code.")
                      if recovery else _("Enter the 6-digit code from your app."), "code")


def check_code(user: User, code: str, *, recovery: bool = False) -> str:
    """A current code (`recovery`: or a recovery code), spent in the caller's unit (reauth)."""
    record = _record(user)
    if record is None or not record.is_enabled:
        raise DomainError(_("Two-step sign-in is not turned on."))
    return _check(user, record, code, recovery=recovery)


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones; the plain codes, to show once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    method = current_app.config["PASSWORD_HASH_METHOD"]
    codes = ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
             for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=generate_password_hash(
        code, method=method), created_at=clock()) for code in codes)
    return [f"{code[:4]}-{code[4:8]}-{code[8:]}" for code in codes]


def _check_password(user: User, password: str) -> None:
    if not check_password_hash(user.password_hash, password or ""):
        raise DomainError(_("The password is not correct."), field="password")


def _tell(user: User, template: str, subject: Callable[[], str], **values: Any) -> None:
    """Mail the user about their two-step sign-in (at this module's clock, which tests move)."""
    account_mail.tell(user, template, subject, when=clock(), **values)


# --- changes --------------------------------------------------------------------------------------

@transaction.unit_of_work()
def begin(user: User) -> Enrolment:
    """Start (or restart) enrolment with a new secret; refused while it is on."""
    record = _record(user)
    if record is not None and record.is_enabled:
        raise DomainError(_("Two-step sign-in is already turned on."))
    if record is None:
        record = TwoStep(user_id=user.id)
        db.session.add(record)
    record.secret, record.created_at, record.last_step = pyotp.random_base32(), clock(), None
    db.session.flush()
    found = enrolment(user)
    assert found is not None
    return found


@transaction.unit_of_work()
def confirm(user: User, secret: str, code: str, *, keep_token: str | None = None) -> list[str]:
    """Turn it on with the first code made from the secret being enrolled; every other session
    ends. The ten recovery codes, to show once."""
    record = _record(user)
    if record is None or record.is_enabled or not hmac.compare_digest(
            record.secret.encode(), (secret or "").encode()):
        raise StaleEnrolment(_("This set-up page is out of date (it was started again elsewhere, "
                               "or is already done). Open it again and use the new QR code."),
                             field="code")
    _check_totp(record, _normalise(code))
    record.enabled_at = clock()
    codes = _new_recovery_codes(user)
    ended = sessions.end_all(user, SESSIONS_ENDED, keep_token=keep_token)
    audit.record("totp.enabled", actor=user, target=user, sessions_ended=ended)
    _tell(user, "emails/two_step_on.txt", lambda: _("Two-step sign-in was turned on"))
    return codes


@dataclass(frozen=True)
class Accepted:
    """A code accepted at login: which kind, and how many recovery codes are left."""

    kind: str
    remaining: int


def sign_in_code(user: User, code: str) -> Accepted:
    """The second step of a login. A refusal is recorded in the audit log (its own unit: call
    this outside one) and raised as CodeRefused."""
    try:
        return _accept_login(user, code)
    except CodeRefused as refused:
        _code_failed(user, refused.reason)
        raise


@transaction.unit_of_work()
def _accept_login(user: User, code: str) -> Accepted:
    record = _record(user)
    if record is None or not record.is_enabled:
        raise CodeRefused(_("Two-step sign-in is not turned on."), "not_enabled")
    kind = _check(user, record, code, recovery=True)
    remaining = remaining_codes(user)
    if kind == "recovery_code":
        audit.record("totp.recovery_code_used", actor=user, target=user, remaining=remaining)
        _tell(user, "emails/two_step_recovery_used.txt",
              lambda: _("A recovery code was used to log in"), remaining=remaining)
    return Accepted(kind, remaining)


@transaction.unit_of_work()
def _code_failed(user: User, reason: str) -> None:
    audit.record("login.failed", actor=user, email=user.email, reason=reason, step="two_step")


@transaction.unit_of_work()
def record_code_lockout(user: User) -> None:
    """The rate limiter paused code attempts after the right password: the audit log records
    it, and the owner is told (whoever tries knows the password)."""
    audit.record("login.locked", actor=user, email=user.email, limit="two_step")
    _tell(user, "emails/two_step_locked.txt",
          lambda: _("Wrong two-step sign-in codes were entered for your account"))


@transaction.unit_of_work()
def disable(user: User, password: str, code: str) -> None:
    """Turn it off after the password and a current code (or a recovery code)."""
    _check_password(user, password)
    check_code(user, code, recovery=True)
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(TwoStep).where(TwoStep.user_id == user.id))
    audit.record("totp.disabled", actor=user, target=user)
    _tell(user, "emails/two_step_off.txt", lambda: _("Two-step sign-in was turned off"))


@transaction.unit_of_work()
def regenerate(user: User, password: str, code: str) -> list[str]:
    """New recovery codes (the old ones stop working) after the password and a current code."""
    _check_password(user, password)
    check_code(user, code)
    codes = _new_recovery_codes(user)
    audit.record("totp.codes_regenerated", actor=user, target=user)
    _tell(user, "emails/two_step_codes.txt", lambda: _("New recovery codes were made"))
    return codes


@transaction.unit_of_work()
def set_required(actor: User, org: Organisation, required: bool) -> None:
    """Whether every member of `org` must use two-step sign-in: the programme office or the
    organisation's administrator decides."""
    access.require(members.can_manage(actor, org.id),
                   _("Only the programme office or the organisation's administrator can "
                     "change this."))
    if org.requires_two_step == required:
        return
    org.requires_two_step = required
    audit.record("organisation.two_step", actor=actor, organisation_id=org.id, target=org,
                 required=required)


@transaction.unit_of_work()
def enrol_for_setup(user: User, secret: str | None = None) -> str:
    """Turn it on without a first code (the demo's manager, tests): the secret, for the person
    who will set up their app with it. Recovery codes are made as usual."""
    record = _record(user) or TwoStep(user_id=user.id)
    db.session.add(record)
    record.secret = secret or pyotp.random_base32()
    record.enabled_at, record.last_step = clock(), None
    _new_recovery_codes(user)
    audit.record("totp.enabled", actor=user, target=user, method="setup")
    return record.secret
