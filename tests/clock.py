"""Time travel for services that read the time through a module-level `clock()` function."""
from __future__ import annotations

from datetime import datetime, timedelta


class Clock:
    """What the patched service takes for now; `advance(minutes=31)` moves it on."""

    def __init__(self, now: datetime):
        self.now = now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def travel(monkeypatch, module, start: datetime) -> Clock:
    """Patch `module.clock` to read a Clock that starts at `start`."""
    clock = Clock(start)
    monkeypatch.setattr(module, "clock", lambda: clock.now)
    return clock
