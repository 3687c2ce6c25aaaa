"""A short memory for the programme-wide figures (the dashboard's, the front page's counts).

On national data the manager's figures together cost a few hundred milliseconds of database
time, and every manager asks for the same ones. Each process keeps them for
DASHBOARD_CACHE_SECONDS (60 by default; 0, never, in tests), per language and period (the
dashboard's `?period=`), and the page says when they were counted. A municipality's or a
startup's figures are small and always fresh.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from flask import current_app
from flask_babel import get_locale

from govtech.models.base import utcnow
from govtech.services.dashboard import Scope

T = TypeVar("T")
_store: dict[tuple[str, str, str], tuple[float, datetime, Any]] = {}
_lock = threading.Lock()


def remember(scope: Scope, name: str, compute: Callable[[], T],
             period: str = "all") -> tuple[T, datetime]:
    """The figure `name` for `period` (the period's key and first day) and when it was
    counted: from memory while fresh, else `compute()`."""
    seconds = current_app.config["DASHBOARD_CACHE_SECONDS"]
    if scope.kind != "programme" or seconds <= 0:
        return compute(), utcnow()
    key = (name, period, str(get_locale()))
    with _lock:
        hit = _store.get(key)
    if hit is not None and time.monotonic() - hit[0] < seconds:
        return hit[2], hit[1]
    value, counted = compute(), utcnow()
    with _lock:
        _store[key] = (time.monotonic(), counted, value)
    return value, counted


def forget() -> None:
    """Drop every kept figure (tests, and after a bulk load)."""
    with _lock:
        _store.clear()
