"""Personal access tokens: create, list, revoke, and open one from an API request.

The secret (`gta_` + 40 random characters) is returned once by `create` and never stored: the
table keeps its SHA-256, which `authenticate` looks up by index (an equality on a hash of a
high-entropy secret: nothing about the secret leaks through timing), then compares again with
`hmac.compare_digest`. Expired and revoked tokens, and tokens of disabled users, open nothing.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, select

from govtech.extensions import db
from govtech.models import User
from govtech.models.api_token import READ, SCOPES, WRITE, ApiToken
from govtech.models.base import utcnow
from govtech.services import audit, history
from govtech.services.errors import DomainError, NotFound
from govtech.services.transaction import unit_of_work

PREFIX = "gta_"
SECRET_BYTES = 30  # 40 URL-safe characters
MAX_DAYS = 366
DEFAULT_DAYS = 90
NAME_LENGTH = 100
TOUCH_EVERY = timedelta(minutes=1)


def clock() -> datetime:
    """Now (aware UTC); tests replace it to travel in time."""
    return utcnow()


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite hands back naive UTC


def is_live(token: ApiToken, now: datetime | None = None) -> bool:
    return token.revoked_at is None and _aware(token.expires_at) > (now or clock())


@dataclass(frozen=True)
class Created:
    token: ApiToken
    secret: str  # shown once, to its owner, right after creation


@unit_of_work()
def create(user: User, name: str, scopes: list[str] | tuple[str, ...], days: int) -> Created:
    """A new token for `user`; the secret in the result is the only copy there will be."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the token a name."), field="name")
    if len(name) > NAME_LENGTH:
        raise DomainError(_("The name is too long."), field="name")
    chosen = [scope for scope in SCOPES if scope in scopes]
    if not chosen or any(scope not in SCOPES for scope in scopes):
        raise DomainError(_("Choose the token's scopes."), field="scopes")
    if WRITE in chosen and READ not in chosen:
        chosen.insert(0, READ)  # writing without reading helps nobody
    if not 1 <= days <= MAX_DAYS:
        raise DomainError(_("A token lasts from 1 day to 1 year."), field="days")
    secret = PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    now = clock()
    token = ApiToken(user_id=user.id, name=name, prefix=secret[:10], secret_hash=_hash(secret),
                     scopes=" ".join(chosen), created_at=now,
                     expires_at=now + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    history.record("api_token", token.id, user, None, "created", note=name)
    audit.record("api_token.created", actor=user, target=token, name=name, scopes=token.scopes)
    return Created(token, secret)


def list_query(user: User) -> Select[tuple[ApiToken]]:
    """The user's own tokens (for the API's paged list)."""
    return select(ApiToken).where(ApiToken.user_id == user.id)


def list_for(user: User) -> list[ApiToken]:
    """The user's tokens, live ones first, newest first."""
    rows = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                              .order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    now = clock()
    return sorted(rows, key=lambda token: not is_live(token, now))


@unit_of_work()
def revoke(user: User, token_id: int) -> ApiToken:
    """End one of the user's own tokens for good (someone else's is not found)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_("This token does not exist."))
    if token.revoked_at is None:
        token.revoked_at = clock()
        history.record("api_token", token.id, user, "live", "revoked", note=token.name)
        audit.record("api_token.revoked", actor=user, target=token, name=token.name)
    return token


def authenticate(secret: str | None) -> ApiToken | None:
    """The live token with this secret (its user active), or None. Notes the use at most once
    a minute, in a small transaction of its own."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    digest = _hash(secret)
    token = db.session.scalar(select(ApiToken).where(ApiToken.secret_hash == digest))
    if token is None or not hmac.compare_digest(token.secret_hash, digest):
        return None
    now = clock()
    if not is_live(token, now) or token.user.is_disabled or token.user.awaiting_confirmation:
        return None
    if token.last_used_at is None or now - _aware(token.last_used_at) >= TOUCH_EVERY:
        _touch(token, now)
    return token


@unit_of_work()
def _touch(token: ApiToken, now: datetime) -> None:
    token.last_used_at = now
