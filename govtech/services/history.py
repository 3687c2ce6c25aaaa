"""Writing and reading the history of state changes."""
from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from govtech.extensions import db
from govtech.models import HistoryEvent, User


def record(entity_type: str, entity_id: int, actor: User | None, from_state: str | None,
           to_state: str, note: str = "") -> HistoryEvent:
    """Add a history event to the current transaction; the calling service commits both together."""
    event = HistoryEvent(
        entity_type=entity_type,
        entity_id=entity_id,
        actor_id=actor.id if actor is not None else None,
        from_state=from_state,
        to_state=to_state,
        note=note,
    )
    db.session.add(event)
    return event


def timeline(entity_type: str, entity_id: int) -> list[HistoryEvent]:
    """The events of one entity, oldest first, for its page (the caller checked access)."""
    return list(db.session.scalars(events_for(entity_type, entity_id)))


def events_for(entity_type: str, entity_id: int) -> Select[tuple[HistoryEvent]]:
    """The timeline of one entity, oldest first, with each event's actor (the page names them)."""
    return (
        select(HistoryEvent).options(joinedload(HistoryEvent.actor))
        .where(HistoryEvent.entity_type == entity_type, HistoryEvent.entity_id == entity_id)
        .order_by(HistoryEvent.created_at, HistoryEvent.id)
    )
