"""Ending a service's transaction: one commit, and a clear error when someone was faster."""
from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError

from govtech.extensions import db
from govtech.services.errors import ConcurrentChange


def commit(conflict: str) -> None:
    """Commit the unit of work; a stale version (a concurrent edit) becomes ConcurrentChange
    with the translated `conflict` message, and nothing is written."""
    try:
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise ConcurrentChange(conflict) from exc
