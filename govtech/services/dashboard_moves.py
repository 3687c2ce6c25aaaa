"""What moved in a period: the pairs' stage moves, read from their history events.

Every pilot's stage change is a history event (from, to, when); the database counts the events
of the scoped pilots inside the period per (from, to). A pilot's first event has no `from`: it
is a new pair. Adoptions and endings are moves into 本格導入, 不採用 or 辞退.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func

from govtech.extensions import db
from govtech.models import HistoryEvent, PilotStage
from govtech.services.dashboard import ALL_STAGES, Scope, _pilot_events
from govtech.services.dashboard_period import Period

ORDER = {stage.value: i for i, stage in enumerate(ALL_STAGES)}


@dataclass(frozen=True)
class Move:
    source: str | None  # None: the pair was created in this stage
    target: str
    count: int


@dataclass(frozen=True)
class Movements:
    moves: list[Move]  # in pipeline order of the target, then of the source

    def _into(self, *targets: str) -> int:
        return sum(m.count for m in self.moves if m.source is not None and m.target in targets)

    @property
    def new_pairs(self) -> int:
        return sum(m.count for m in self.moves if m.source is None)

    @property
    def moved(self) -> int:
        """Moves between stages (new pairs not included)."""
        return sum(m.count for m in self.moves if m.source is not None)

    @property
    def adopted(self) -> int:
        return self._into(PilotStage.adopted.value)

    @property
    def ended(self) -> int:
        """Pairs that ended without adoption (不採用 or 辞退)."""
        return self._into(PilotStage.not_adopted.value, PilotStage.withdrawn.value)


def movements(scope: Scope, period: Period) -> Movements:
    """The scoped pairs' stage moves inside the period, counted per (from, to)."""
    events = _pilot_events(scope).where(period.contains(HistoryEvent.created_at, "moved"))
    rows = db.session.execute(
        events.with_only_columns(HistoryEvent.from_state, HistoryEvent.to_state, func.count())
        .group_by(HistoryEvent.from_state, HistoryEvent.to_state)).tuples().all()
    moves = [Move(source, target, n) for source, target, n in rows if target in ORDER]
    moves.sort(key=lambda m: (ORDER[m.target], -1 if m.source is None
                              else ORDER.get(m.source, len(ORDER))))
    return Movements(moves)
