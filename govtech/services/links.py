"""Signed links by e-mail (password reset, invitation, confirmation, e-mail change): one way to
make them and one way to read them.

A link carries a signed payload with its purpose as the salt, so a reset link cannot confirm an
address. Links that must work once carry `password_mark(user)`, which changes whenever the
password hash does — a digest of it, never a part of the hash itself.
"""
from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from govtech.models import User
from govtech.services.errors import DomainError


def password_mark(user: User) -> str:
    """Changes with the password (and so when a one-time link was used to set one)."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make(salt: str, payload: dict[str, Any]) -> str:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt).dumps(payload)


def read(salt: str, token: str, max_age: int) -> dict[str, Any]:
    """The payload of a valid link; a clear, translated refusal when expired or forged."""
    try:
        data = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt).loads(
            token, max_age=max_age)
    except SignatureExpired as exc:
        raise DomainError(_("This link has expired. Please ask for a new one.")) from exc
    except BadSignature as exc:
        raise DomainError(_("This link is not valid.")) from exc
    if not isinstance(data, dict):
        raise DomainError(_("This link is not valid."))
    return data
