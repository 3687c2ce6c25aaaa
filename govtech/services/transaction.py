"""One unit of work per service call: one commit, one rollback, one way to detect a stale edit.

A service function that changes state is decorated with `@unit_of_work(conflict)`. The outermost
decorated call commits once when it returns; any exception rolls everything back, here and
nowhere else. Calls nested inside it (accepting a proposal starts a pilot) join its transaction.
What must only happen once the change is safely stored (mail, re-scoring recommendations,
removing a replaced file) is queued with `after_commit`; cleaning up after a failure with
`on_rollback`.

Optimistic concurrency is checked one way: `check_version(record, expected_version)` compares
the version the user saw, and the mapper's version column (`version_id_col`) makes the UPDATE
itself fail if someone else committed in between; both raise ConcurrentChange with the unit's
`conflict` message.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, ParamSpec, Protocol, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import text
from sqlalchemy.orm.exc import StaleDataError

from govtech.extensions import db
from govtech.services.errors import ConcurrentChange

P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger(__name__)

_DEPTH, _CONFLICT, _AFTER, _UNDO = "uow_depth", "uow_conflict", "uow_after", "uow_undo"
DEFAULT_CONFLICT = _l("Someone else changed this at the same moment. Please reload the page.")


class Versioned(Protocol):
    version: Any


def unit_of_work(conflict: object = DEFAULT_CONFLICT
                 ) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run the decorated service function as one transaction (or inside the caller's)."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            info = db.session.info
            depth = info.get(_DEPTH, 0)
            if depth == 0:
                info[_CONFLICT], info[_AFTER], info[_UNDO] = conflict, [], []
            info[_DEPTH] = depth + 1
            try:
                result = function(*args, **kwargs)
                if depth == 0:
                    _commit()
            except StaleDataError as exc:  # an autoflush inside the function met a newer row
                if depth == 0:
                    _rollback()
                    raise ConcurrentChange(str(conflict)) from exc
                raise
            except BaseException:
                if depth == 0:
                    _rollback()
                raise
            finally:
                info[_DEPTH] = depth
            if depth == 0:
                _run(info.pop(_AFTER, []))
            return result

        return wrapper

    return decorate


def in_unit() -> bool:
    return db.session.info.get(_DEPTH, 0) > 0


def after_commit(action: Callable[[], object]) -> None:
    """Run `action` once the current unit has committed (at once when there is no unit)."""
    if in_unit():
        db.session.info[_AFTER].append(action)
    else:
        _run([action])


def on_rollback(action: Callable[[], object]) -> None:
    """Run `action` if the current unit is rolled back (undo what the database cannot)."""
    if in_unit():
        db.session.info[_UNDO].append(action)


def check_version(record: Versioned, expected_version: int | None) -> None:
    """Refuse the change if the record moved on since the user read `expected_version`."""
    if expected_version is not None and record.version != expected_version:
        raise ConcurrentChange(str(db.session.info.get(_CONFLICT, DEFAULT_CONFLICT)))


def abandon() -> None:
    """After an unexpected error: drop whatever the request had pending, nothing is kept."""
    db.session.rollback()


def database_reachable() -> bool:
    """For the health check: a trivial query answers, or the session is left clean."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unreachable
        db.session.rollback()
        return False
    return True


def _commit() -> None:
    db.session.commit()  # a StaleDataError here becomes ConcurrentChange in the wrapper
    db.session.info.pop(_UNDO, None)


def _rollback() -> None:
    db.session.rollback()
    db.session.info.pop(_AFTER, None)
    _run(db.session.info.pop(_UNDO, []))


def _run(actions: list[Callable[[], object]]) -> None:
    """Side effects after the fact: one failing must not hide the others or the change."""
    for action in actions:
        try:
            action()
        except Exception:  # noqa: BLE001 - the change is stored; log and carry on
            db.session.rollback()
            log.exception("After-commit action %r failed", action)

