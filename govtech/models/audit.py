"""The audit log: an append-only record of security events (who, when, from where, what).

Rows are only ever added. The ORM refuses to update or delete one, and on PostgreSQL a trigger
refuses UPDATE and DELETE for everyone (created by migration 0011, and by `create_all` through
the DDL below). The one deletion path is retention (`flask audit prune`): its transaction runs
`SET LOCAL govtech.audit_prune = 'on'`, which the trigger accepts for DELETE only, and only
until that transaction ends.

actor_id and organisation_id are plain integers, not foreign keys: a foreign key's ON DELETE
would have to update the row, and the record must outlive what it names. actor_label keeps the
actor's e-mail address at the time, so an event still reads after the account is anonymised.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, JSON, DateTime, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from govtech.models.base import Base, utcnow

PRUNE_SETTING = "govtech.audit_prune"

TRIGGER_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('{PRUNE_SETTING}', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP;
END
$$
"""
TRIGGER = ("CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
           "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()")


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_label: Mapped[str] = mapped_column(String(254), default="")
    organisation_id: Mapped[int | None] = mapped_column(Integer)
    address: Mapped[str | None] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(40))
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (
        Index("ix_audit_event_created_at", "created_at"),
        Index("ix_audit_event_organisation", "organisation_id", "created_at"),
        Index("ix_audit_event_actor", "actor_id", "created_at"),
        Index("ix_audit_event_event", "event", "created_at"),
    )

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.event} actor={self.actor_id}>"


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper, connection, target) -> None:
    raise ValueError("audit events are append-only")


# The same trigger for databases made by `create_all` (the test suite), PostgreSQL only.
event.listen(AuditEvent.__table__, "after_create",
             DDL(TRIGGER_FUNCTION.replace("%", "%%")).execute_if(dialect="postgresql"))
event.listen(AuditEvent.__table__, "after_create", DDL(TRIGGER).execute_if(dialect="postgresql"))
event.listen(AuditEvent.__table__, "after_drop",
             DDL("DROP FUNCTION IF EXISTS audit_event_append_only()")
             .execute_if(dialect="postgresql"))
