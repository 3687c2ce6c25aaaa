"""Webhooks (issue 14): an endpoint an organisation (or the programme office) registers, and each
delivery of an event to it, with its attempts and outcome.

The secret is stored as it is: the server must compute an HMAC with it for every delivery, so it
cannot be hashed like a password or a token; encrypting it with a key kept in the same
configuration as the database credentials would protect nothing a stolen database alone does
not. It is shown once, when the hook is made, and never again on any page.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtech.models.base import Base, Timestamped, utcnow
from govtech.models.organisation import Organisation
from govtech.models.user import User

DELIVERY_STATES = ("pending", "succeeded", "failed")


class Webhook(Timestamped, Base):
    """One receiver. `organisation_id` None means programme-wide (a manager's): it hears every
    event. `events` lists the event names it subscribes to; `version` guards every write."""

    __tablename__ = "webhook"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    secret: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation: Mapped[Organisation | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def programme_wide(self) -> bool:
        return self.organisation_id is None

    def __repr__(self) -> str:
        return f"<Webhook {self.id} org={self.organisation_id} {self.url}>"


class WebhookDelivery(Base):
    """One event for one webhook: `payload` is the event's data as stored when it happened;
    the body sent is built from it with the delivery's id (services.webhook_delivery)."""

    __tablename__ = "webhook_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhook.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    response_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    webhook: Mapped[Webhook] = relationship()

    # a hook's deliveries newest first, and the due ones for the worker
    __table_args__ = (Index("ix_webhook_delivery_webhook", "webhook_id", "id"),
                      Index("ix_webhook_delivery_due", "status", "next_attempt_at"))

    def __repr__(self) -> str:
        return f"<WebhookDelivery {self.id} {self.event} {self.status}>"
