"""The matcher's vocabulary: documents in, matches with their explanations out.

Frozen dataclasses so that results can be shared between both ranking directions and cached
without anyone mutating them; plain tuples and strings so that the app can store them as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class ChallengeDoc:
    """A municipality's challenge as the matcher sees it (the app maps its model onto this)."""

    id: str
    title: str
    body: str
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    prefecture: str = ""


@dataclass(frozen=True, slots=True)
class StartupDoc:
    """A startup (or one capability of it). ``regions``: prefectures, region names or 全国."""

    id: str
    name: str
    body: str
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Term:
    """A shared word and its contribution to the pair's text score (the sum of all is ≤ 1)."""

    term: str
    weight: float


@dataclass(frozen=True, slots=True)
class Signal:
    """A structured reason that moved the score; ``weight`` is what it added (or subtracted)."""

    name: str
    value: float | str | tuple[str, ...]
    weight: float


@dataclass(frozen=True, slots=True)
class Match:
    """One recommended pair, with everything needed to explain it to a person."""

    challenge_id: str
    startup_id: str
    score: float
    text_score: float
    terms: tuple[Term, ...] = ()
    signals: tuple[Signal, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists) for storing with the recommendation."""
        return {
            "challenge_id": self.challenge_id,
            "startup_id": self.startup_id,
            "score": self.score,
            "text_score": self.text_score,
            "terms": [{"term": t.term, "weight": t.weight} for t in self.terms],
            "signals": [
                {
                    "name": s.name,
                    "value": list(s.value) if isinstance(s.value, tuple) else s.value,
                    "weight": s.weight,
                }
                for s in self.signals
            ],
        }


@dataclass(frozen=True, slots=True)
class ScoredResult:
    """Matches for one document; ``reason`` says why the list is empty ("empty", "no_terms")."""

    matches: tuple[Match, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class RebuildResult:
    """Top-k in both directions for every document, plus the documents that got none and why."""

    by_challenge: dict[str, list[Match]] = field(default_factory=dict)
    by_startup: dict[str, list[Match]] = field(default_factory=dict)
    empty: dict[str, str] = field(default_factory=dict)
