"""The audit log: one function writes it (`record`), managers read and export it, retention
prunes it.

`record(event, actor=..., target=..., **detail)` adds one row to the current unit of work, so
the event is stored exactly when the change it describes is. A refusal (a failed login, a
refused rate limit) changes nothing else: `note` records it in a unit of its own. Nothing here
edits or deletes a row, except `prune`, which the PostgreSQL trigger lets through only inside
its own transaction (`SET LOCAL govtech.audit_prune = 'on'`, see govtech.models.audit).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, delete, func, select, text

from govtech.extensions import db
from govtech.models import AuditEvent, Organisation, User
from govtech.models.audit import PRUNE_SETTING
from govtech.models.base import utcnow
from govtech.services import access, transaction
from govtech.services.errors import DomainError

# Every event name the log knows, with its label for the audit page. The names without a label
# are not written yet: the API's tokens (issue 14), attachment downloads.
EVENTS: dict[str, Any] = {
    "login.succeeded": _l("Logged in"),
    "login.failed": _l("Login failed"),
    "login.locked": _l("Login refused: too many attempts"),
    "logout": _l("Logged out"),
    "session.ended": _l("Session ended"),
    "password.changed": _l("Password changed"),
    "password.reset": _l("Password reset"),
    "member.invited": _l("Member invited"),
    "organisation.approved": _l("Organisation approved"),
    "organisation.suspended": _l("Organisation suspended"),
    "export.csv": _l("CSV exported"),
    "audit.pruned": _l("Audit log pruned"),
    "proposal.attachment_downloaded": None,
    "totp.enabled": _l("Two-step sign-in turned on"),
    "totp.disabled": _l("Two-step sign-in turned off"),
    "totp.recovery_code_used": _l("Recovery code used"),
    "totp.codes_regenerated": _l("Recovery codes regenerated"),
    "organisation.two_step": _l("Two-step sign-in requirement changed"),
    "member.disabled": _l("Member disabled"),
    "member.enabled": _l("Member re-enabled"),
    "invitation.resent": _l("Invitation sent again"),
    "invitation.revoked": _l("Invitation withdrawn"),
    "role.changed": _l("Role changed"),
    "signup.confirmed": _l("Sign-up e-mail address confirmed"),
    "data.exported": _l("Personal data downloaded"),
    "api_token.created": _l("API token created"),
    "api_token.revoked": _l("API token revoked"),
    "webhook.created": _l("Webhook registered"),
    "webhook.deleted": _l("Webhook deleted"),
    "account.anonymised": _l("Account deleted (anonymised)"),
    "email.changed": _l("E-mail address changed"),
}
_TARGET_TYPES = {"User": "user", "UserSession": "user_session", "Organisation": "organisation"}


def label(event: str) -> str:
    """The event's name for people (its machine name when it has no label yet)."""
    return str(EVENTS.get(event) or event)


def client_address() -> str | None:
    """The request's client address (the real one behind the configured proxies)."""
    return request.remote_addr if has_request_context() else None


def record(event: str, *, actor: User | None = None, organisation_id: int | None = None,
           target: Any = None, **detail: Any) -> AuditEvent:
    """Add one event to the current unit of work. `target` is a record (its table and id) or
    a `(type, id)` pair; `organisation_id` defaults to the actor's organisation."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    if not transaction.in_unit():
        raise RuntimeError("audit.record runs inside a unit of work")
    target_type, target_id = _target(target)
    row = AuditEvent(
        created_at=utcnow(), event=event,
        actor_id=actor.id if actor is not None else None,
        actor_label=actor.email if actor is not None else "",
        organisation_id=organisation_id if organisation_id is not None
        else (actor.organisation_id if actor is not None else None),
        address=client_address(), target_type=target_type, target_id=target_id,
        detail={key: value for key, value in detail.items() if value is not None})
    db.session.add(row)
    return row


def _target(target: Any) -> tuple[str | None, int | None]:
    if target is None:
        return None, None
    if isinstance(target, tuple):
        return target[0], target[1]
    name = type(target).__name__
    return _TARGET_TYPES.get(name, getattr(target, "__tablename__", name)), target.id


@transaction.unit_of_work()
def note(event: str, *, actor: User | None = None, **values: Any) -> AuditEvent:
    """Record an event that changes nothing else, in a unit of its own."""
    return record(event, actor=actor, **values)


@transaction.unit_of_work()
def exported(actor: User, what: str, rows: int, **detail: Any) -> None:
    """A CSV or data export happened: what, how many rows, with which filters."""
    record("export.csv", actor=actor, what=what, rows=rows, **detail)


# --- reading: the managers' audit page ---------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    organisation_id: int | None = None
    email: str = ""
    event: str = ""
    start: date | None = None
    end: date | None = None

    def as_detail(self) -> dict[str, Any]:
        return {key: str(value) for key, value in vars(self).items() if value}


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise DomainError(_("Enter the date as YYYY-MM-DD.")) from exc


def filters(*, organisation: str | None = None, email: str | None = None,
            event: str | None = None, start: str | None = None,
            end: str | None = None) -> Filters:
    """The page's filters from its query string; a malformed date is refused (400)."""
    org_id = int(organisation) if organisation and organisation.isdigit() else None
    return Filters(organisation_id=org_id, email=(email or "").strip()[:254],
                   event=event if event in EVENTS else "", start=_day(start), end=_day(end))


def _local_midnight(day: date) -> datetime:
    """Dates on the page are the office's (Asia/Tokyo by default); stored times are UTC."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC")
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def reader_org_id(actor: User | None) -> int | None:
    """The one organisation whose events this reader sees: None for managers (all of them);
    an approved organisation's administrator sees its own; anyone else is refused."""
    if access.manager(actor):
        return None
    org_id = access.own_org_id(actor)
    access.require(org_id is not None and actor is not None and actor.is_org_admin,
                   _("Only the programme office and an organisation's administrator can read "
                     "the audit log."))
    return org_id


def list_query(actor: User | None, chosen: Filters) -> Select[tuple[AuditEvent]]:
    """The events the filters choose, newest first: all for managers, an administrator's own
    organisation's only."""
    own = reader_org_id(actor)
    query = select(AuditEvent)
    if own is not None:
        query = query.where(AuditEvent.organisation_id == own)
    if chosen.organisation_id is not None:
        query = query.where(AuditEvent.organisation_id == chosen.organisation_id)
    if chosen.email:
        query = query.where(func.lower(AuditEvent.actor_label).contains(chosen.email.lower(),
                                                                          autoescape=True))
    if chosen.event:
        query = query.where(AuditEvent.event == chosen.event)
    if chosen.start:
        query = query.where(AuditEvent.created_at >= _local_midnight(chosen.start))
    if chosen.end:
        query = query.where(AuditEvent.created_at
                            < _local_midnight(chosen.end + timedelta(days=1)))
    return query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


@transaction.unit_of_work()
def export(actor: User, chosen: Filters) -> list[AuditEvent]:
    """Every event the filters choose, for the CSV file; the export is itself recorded."""
    rows = list(db.session.scalars(list_query(actor, chosen)))
    for row in rows:  # kept as read: the commit would expire them, one reload per row
        db.session.expunge(row)
    record("export.csv", actor=actor, what="audit", rows=len(rows),
           filters=chosen.as_detail() or None)
    return rows


def organisation_names(actor: User | None = None) -> dict[int, str]:
    """The organisations' names by id, for the filter and the table (an administrator's own
    only, when `actor` is one)."""
    query = select(Organisation.id, Organisation.name).order_by(Organisation.name)
    if actor is not None and (own := reader_org_id(actor)) is not None:
        query = query.where(Organisation.id == own)
    return dict(db.session.execute(query).tuples().all())


# --- retention -----------------------------------------------------------------------------------

@transaction.unit_of_work()
def prune(days: int | None = None) -> int:
    """Delete events older than AUDIT_RETENTION_DAYS and record that it was done (the count)."""
    days = int(days if days is not None else current_app.config["AUDIT_RETENTION_DAYS"])
    cutoff = utcnow() - timedelta(days=days)
    if db.session.get_bind().dialect.name == "postgresql":
        # The append-only trigger accepts DELETE while this setting is on; LOCAL: this
        # transaction only (see govtech.models.audit).
        db.session.execute(text(f"SET LOCAL {PRUNE_SETTING} = 'on'"))
    result = db.session.execute(delete(AuditEvent).where(AuditEvent.created_at < cutoff),
                                execution_options={"synchronize_session": False})
    count = int(getattr(result, "rowcount", 0) or 0)
    record("audit.pruned", rows=count, days=days, before=cutoff.isoformat(timespec="seconds"))
    return count
