"""A user's own data (個人情報保護法): download what the platform holds about them, and deletion.

`export` gathers the user's profile, organisation membership, sessions, notifications, the
history entries they made and the audit events by or about them, as plain JSON-ready data.
`anonymise` is deletion as the platform can do it without breaking its records: the personal
fields are replaced (a placeholder name, a unique address that no mail can reach, a password
nobody knows), every session ends and forgets its device and address, notifications and
two-step secrets are removed, and the account is disabled.
The organisation's records (challenges, proposals, history) stay, naming the anonymised user;
the audit log keeps its rows and records the deletion with the anonymised actor.
"""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, or_, select, update
from werkzeug.security import check_password_hash

from govtech.extensions import db
from govtech.models import (
    AuditEvent,
    HistoryEvent,
    Notification,
    NotificationPreference,
    User,
    UserSession,
)
from govtech.services import accounts, audit, members, sessions, transaction
from govtech.services.errors import DomainError

FORMER_NAME = "退会したユーザー (Former user)"
PLACEHOLDER_DOMAIN = "deleted.invalid"  # RFC 2606: .invalid never delivers
ENDED_REASON = "deleted"
_TWO_STEP_TABLES = ("two_step", "two_step_recovery_code")


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _profile(user: User) -> dict[str, Any]:
    return {"id": user.id, "email": user.email, "name": user.name, "role": str(user.role),
            "locale": user.locale, "created_at": _when(getattr(user, "created_at", None)),
            "last_login_at": _when(user.last_login_at),
            "organisation_administrator": user.is_org_admin}


def _organisation(user: User) -> dict[str, Any] | None:
    org = user.organisation
    if org is None:
        return None
    return {"id": org.id, "name": org.name, "kind": str(org.kind), "state": str(org.state)}


def _sessions(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                              .order_by(UserSession.id))
    return [{"id": row.id, "device": row.device, "address": row.address,
             "created_at": _when(row.created_at), "last_seen_at": _when(row.last_seen_at),
             "ended_at": _when(row.ended_at), "end_reason": row.end_reason} for row in rows]


def _notifications(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id))
    return [{"kind": row.kind, "params": row.params, "url": row.url,
             "created_at": _when(row.created_at), "read_at": _when(row.read_at)}
            for row in rows]


def _history(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(select(HistoryEvent).where(HistoryEvent.actor_id == user.id)
                              .order_by(HistoryEvent.id))
    return [{"entity": row.entity_type, "entity_id": row.entity_id, "from": row.from_state,
             "to": row.to_state, "note": row.note, "created_at": _when(row.created_at)}
            for row in rows]


def _audit(user: User) -> list[dict[str, Any]]:
    about = (AuditEvent.target_type == "user") & (AuditEvent.target_id == user.id)
    rows = db.session.scalars(select(AuditEvent).where(or_(AuditEvent.actor_id == user.id,
                                                           about))
                              .order_by(AuditEvent.id))
    return [{"event": row.event, "created_at": _when(row.created_at), "address": row.address,
             "actor": row.actor_label, "target": [row.target_type, row.target_id],
             "detail": row.detail} for row in rows]


@transaction.unit_of_work()
def export(user: User) -> dict[str, Any]:
    """Everything the platform holds about `user`; the download is itself recorded."""
    data = {"profile": _profile(user), "organisation": _organisation(user),
            "sessions": _sessions(user), "notifications": _notifications(user),
            "history": _history(user), "audit_events": _audit(user)}
    audit.record("data.exported", actor=user, target=user)
    return data


@transaction.unit_of_work()
def anonymise(user: User, password: str, *, confirmed: bool) -> None:
    """Delete the user's personal data, after they proved the password and confirmed."""
    if not check_password_hash(user.password_hash, password):
        raise DomainError(_("The password is not correct."), field="password")
    if not confirmed:
        raise DomainError(_("Please confirm that you want to delete your account."),
                          field="confirm")
    members.ensure_not_last_manager(user)
    sessions.end_all(user, ENDED_REASON)
    for name in _TWO_STEP_TABLES:
        table = db.metadata.tables.get(name)
        if table is not None:
            db.session.execute(delete(table).where(table.c.user_id == user.id))
    for model in (Notification, NotificationPreference):  # the personal inbox and settings
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id)
                       .values(device="", address=None))  # where and on what they signed in
    user.name = FORMER_NAME
    user.email = f"deleted-{user.id}-{secrets.token_hex(6)}@{PLACEHOLDER_DOMAIN}"
    user.password_hash = accounts.hash_password(secrets.token_urlsafe(32))
    user.is_disabled = True
    user.is_org_admin = False
    user.locale = None
    user.last_login_at = None
    db.session.flush()
    audit.record("account.anonymised", actor=user, target=user)
