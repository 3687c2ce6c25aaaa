"""In-app notifications and each user's choice of how often to be mailed about each kind."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govtech.models.base import Base, utcnow
from govtech.models.enums import DigestFrequency


class Notification(Base):
    """Stored as a kind and its parameters, so it reads in the recipient's language."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    url: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at"),)


class NotificationPreference(Base):
    __tablename__ = "notification_preference"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    frequency: Mapped[DigestFrequency] = mapped_column(
        Enum(DigestFrequency, native_enum=False, length=20), default=DigestFrequency.immediate)

    __table_args__ = (UniqueConstraint("user_id", "kind"),)
