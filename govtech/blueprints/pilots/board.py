"""How pilots are drawn: the board's columns and a pair's stage stepper (the web layer's view of
the pipeline; the rules stay in services.pilots)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask_babel import gettext as _

from govtech.labels import stage_label
from govtech.models import HistoryEvent, Pilot
from govtech.models.base import utcnow
from govtech.services import pilots

PIPELINE = pilots.PIPELINE


def columns(items: Sequence[Pilot], now: datetime | None = None) -> list[dict]:
    """The board's columns: the pipeline stages, then one for pairs that ended without adoption."""
    now = now or utcnow()
    cards: dict[str, list[dict]] = {stage.value: [] for stage in PIPELINE}
    cards["ended"] = []
    for pilot in items:
        key = pilot.stage.value if pilot.stage in PIPELINE else "ended"
        cards[key].append({"pilot": pilot, "days": pilots.days_since(pilot.stage_entered_at, now)})
    labels = {stage.value: stage_label(stage) for stage in PIPELINE}
    labels["ended"] = _("Ended")
    return [{"key": key, "label": labels[key], "cards": found} for key, found in cards.items()]


def stepper(pilot: Pilot, events: Sequence[HistoryEvent]) -> list[dict]:
    """The pipeline as steps (done, current, to come); a pair that ended early shows how far it
    got, from its timeline."""
    current = PIPELINE.index(pilot.stage) if pilot.stage in PIPELINE else None
    reached = current
    if current is None:
        reached = max((PIPELINE.index(e.to_state) for e in events if e.to_state in PIPELINE),
                      default=-1)
    return [{"stage": stage.value,
             "state": "current" if index == current else
             "done" if reached is not None and index <= reached else "todo"}
            for index, stage in enumerate(PIPELINE)]
