"""Sign-in sessions kept on the server, so that any of them can be ended at once.

Each sign-in creates a `UserSession` row and hands the browser a random token (only its SHA-256
is stored). A request is signed in only while that row is live: not ended, used within the last
SESSION_IDLE_MINUTES and younger than SESSION_MAX_HOURS. Ending a row (sign-out, the owner's
security page, a password change or reset, a disabled account) signs out every browser holding
its token, whatever its cookie still says. The cookie itself is the web layer's business
(govtech.blueprints.auth.cookie).

The last-seen time is written at most once a minute (TOUCH_EVERY), not on every request.
`clock()` is the one source of "now" here, so tests can move time.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import Select, select

from govtech.extensions import db
from govtech.models import SessionEnd, User, UserSession
from govtech.models.base import utcnow
from govtech.services import audit, transaction
from govtech.services.errors import NotFound

TOUCH_EVERY = timedelta(minutes=1)
DEVICE_LENGTH = 200


def clock() -> datetime:
    """Now (aware UTC); tests replace it to travel in time."""
    return utcnow()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite hands back naive UTC


def _device() -> str:
    """The browser's User-Agent, shortened for the list."""
    agent = request.headers.get("User-Agent", "") if has_request_context() else ""
    return " ".join(agent.split())[:DEVICE_LENGTH]


def _limits(now: datetime) -> tuple[datetime, datetime]:
    """Sessions last seen before the first, or created before the second, are over."""
    config = current_app.config
    return (now - timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
            now - timedelta(hours=config["SESSION_MAX_HOURS"]))


def _expiry(record: UserSession, now: datetime) -> str | None:
    idle_before, created_before = _limits(now)
    if _aware(record.created_at) <= created_before:
        return SessionEnd.EXPIRED
    if _aware(record.last_seen_at) <= idle_before:
        return SessionEnd.IDLE
    return None


def _by_token(token: str | None) -> UserSession | None:
    if not token:
        return None
    return db.session.scalar(select(UserSession).where(UserSession.token_hash == _hash(token)))


def _live(user: User) -> Select[tuple[UserSession]]:
    idle_before, created_before = _limits(clock())
    return (select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None),
                   UserSession.last_seen_at > idle_before, UserSession.created_at > created_before)
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc()))


def _end(record: UserSession, reason: str, actor: User | None, now: datetime) -> None:
    record.ended_at, record.end_reason = now, reason
    audit.record("session.ended", actor=actor, organisation_id=record.user.organisation_id,
                 target=record, reason=reason, owner=record.user.email)


@transaction.unit_of_work()
def start(user: User, *, method: str = "password") -> str:
    """Open a session for a user who has just proved who they are; its token, for the cookie."""
    token = secrets.token_urlsafe(32)
    now = clock()
    record = UserSession(user=user, token_hash=_hash(token), device=_device(),
                         address=audit.client_address(), created_at=now, last_seen_at=now)
    db.session.add(record)
    user.last_login_at = now
    db.session.flush()
    audit.record("login.succeeded", actor=user, target=record, method=method)
    return token


@dataclass(frozen=True)
class Resumed:
    """What a session cookie is worth: its user while the record is live; `over` says why it
    is not ("expired" or "ended") when it named a session that is over. `settle` writes what
    the visit changes (the last-seen time, an expiry)."""

    user: User | None
    over: str | None = None
    record: UserSession | None = None
    expiry: str | None = None
    now: datetime | None = None


def resume(user_id: str, token: str | None) -> Resumed:
    """The user whose live session this token opens (and who the cookie says it is). Reads
    only: Flask-Login calls this while it is still finding out who is signed in, when nothing
    that asks for the user (the locale, a commit's message) may run yet."""
    record = _by_token(token)
    if record is None or str(record.user_id) != str(user_id):
        return Resumed(None)
    if record.is_ended:
        return Resumed(None, "ended")
    now = clock()
    if reason := _expiry(record, now):
        return Resumed(None, "expired", record, reason, now)
    stale = now - _aware(record.last_seen_at) >= TOUCH_EVERY
    return Resumed(record.user, None, record, None, now if stale else None)


def settle(found: Resumed) -> None:
    """After `resume`: end the record it found expired, or note that it was used just now (at
    most once a minute). Most visits write nothing, and then nothing is committed."""
    if found.record is not None and found.now is not None:
        _settle(found.record, found)


@transaction.unit_of_work()
def _settle(record: UserSession, found: Resumed) -> None:
    assert found.now is not None
    if found.expiry:
        _end(record, found.expiry, None, found.now)
    else:
        record.last_seen_at = found.now


def current_id(token: str | None) -> int | None:
    """The id of the session this token opens ("this device" on the list)."""
    record = _by_token(token)
    return record.id if record is not None else None


def list_for(user: User) -> list[UserSession]:
    """The user's live sessions, the most recently used first."""
    return list(db.session.scalars(_live(user)))


@transaction.unit_of_work()
def log_out(user: User, token: str | None) -> None:
    """The user signs out: this browser's session ends."""
    record = _by_token(token)
    if record is not None and record.user_id == user.id and not record.is_ended:
        record.ended_at, record.end_reason = clock(), SessionEnd.LOGOUT
    audit.record("logout", actor=user, target=record)


@transaction.unit_of_work()
def end_one(actor: User, session_id: int) -> UserSession:
    """The owner ends one of their sessions; anyone else's (or an ended one) is not found."""
    record = db.session.get(UserSession, session_id)
    if record is None or record.user_id != actor.id or record.is_ended:
        raise NotFound(_("This session does not exist or has already ended."))
    _end(record, SessionEnd.ENDED, actor, clock())
    return record


@transaction.unit_of_work()
def end_others(actor: User, token: str | None) -> int:
    """The owner ends every session but the one this token opens."""
    return end_all(actor, SessionEnd.ENDED, keep_token=token)


@transaction.unit_of_work()
def end_all(user: User, reason: str, *, actor: User | None = None,
            keep_token: str | None = None) -> int:
    """End every live session of `user` (but the one `keep_token` opens): after a password
    change or reset, or when the user is disabled (`actor` then is who disabled them)."""
    keep = _hash(keep_token) if keep_token else None
    now = clock()
    ended = 0
    for record in db.session.scalars(_live(user)):
        if record.token_hash != keep:
            _end(record, reason, actor or user, now)
            ended += 1
    return ended
