"""The immutable history of every state change: who, when, from, to, note."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtech.models.base import Base, utcnow
from govtech.models.user import User


class HistoryEvent(Base):
    __tablename__ = "history_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    actor: Mapped[User | None] = relationship()

    # A timeline in order (the id breaks ties) from the index alone (migration 0016).
    __table_args__ = (Index("ix_history_event_timeline", "entity_type", "entity_id", "created_at",
                            "id", "to_state"),)


@event.listens_for(HistoryEvent, "before_update")
def _refuse_update(mapper, connection, target) -> None:
    raise ValueError("history events are immutable")
