"""How pilots are drawn: the board's three phases and a pair's stage stepper (the web layer's view
of the pipeline; the rules stay in services.pilots and services.pipeline_status)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from govtech.labels import stage_label
from govtech.models import HistoryEvent, Pilot
from govtech.models.base import utcnow
from govtech.services import pilots, pipeline_status

PIPELINE = pilots.PIPELINE


def card(pilot: Pilot, medians: dict[str, float], now: datetime | None = None) -> dict:
    """What a card (and the pair page's 「次にすること」 box) shows."""
    now = now or utcnow()
    step = pipeline_status.next_step(pilot)
    return {"pilot": pilot, "days": pilots.days_since(pilot.stage_entered_at, now),
            "step": step, "waiting": pipeline_status.side_label(step.side),
            "stuck": pipeline_status.stuck(pilot, medians, now)}


def phases(items: Sequence[Pilot], medians: dict[str, float],
           now: datetime | None = None) -> tuple[list[dict], list[dict]]:
    """The board: three phases (マッチング / 実証 / 導入), each with its stages as sub-columns,
    and the pairs that ended without adoption (shown folded away)."""
    now = now or utcnow()
    cards: dict[str, list[dict]] = {stage.value: [] for stage in PIPELINE}
    ended: list[dict] = []
    for pilot in items:
        drawn = card(pilot, medians, now)
        (cards[pilot.stage.value] if pilot.stage in PIPELINE else ended).append(drawn)
    drawn_phases = []
    for key, label, stages in pipeline_status.PHASES:
        columns = [{"key": s.value, "label": stage_label(s), "cards": cards[s.value],
                    "median": medians.get(s.value)} for s in stages]
        drawn_phases.append({"key": key, "label": str(label), "columns": columns,
                             "count": sum(len(cards[s.value]) for s in stages)})
    return drawn_phases, ended


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
