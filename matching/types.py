"""The matcher's vocabulary: documents in, matches with their explanations out.

Frozen dataclasses so that results can be shared between both ranking directions and cached
without anyone mutating them; plain tuples and strings so that the app can store them as JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
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
class RelatedTerm:
    """Two *different* words, one from each text, that mean nearly the same (避難 ≈ 防災), and
    what the pair adds to the text score. Shown apart from the shared words: neither word need
    occur in the other text."""

    challenge_term: str
    startup_term: str
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
    #: Related words that added to the text score (empty when none, or when they are off).
    related: tuple[RelatedTerm, ...] = ()

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
            "related": [
                {"challenge_term": r.challenge_term, "startup_term": r.startup_term,
                 "weight": r.weight}
                for r in self.related
            ],
        }


@dataclass(frozen=True, slots=True)
class ScoredResult:
    """Matches for one document; ``reason`` says why the list is empty ("empty", "no_terms")."""

    matches: tuple[Match, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class RebuildResult:
    """Top-k in both directions for every document, plus the documents that got none and why.

    The lists may be made when read (see :class:`matching.results.RankedLists`): read each
    once, or use :meth:`pairs` to get every pair once without building both directions.
    """

    by_challenge: Mapping[str, list[Match]] = field(default_factory=dict)
    by_startup: Mapping[str, list[Match]] = field(default_factory=dict)
    empty: dict[str, str] = field(default_factory=dict)
    #: Every distinct pair, when the producer knows them (not part of equality).
    unique: Callable[[], Iterator[Match]] | None = field(default=None, compare=False, repr=False)

    def pairs(self) -> Iterator[Match]:
        """Every pair of either direction once (a pair in both directions' lists is one),
        made a few thousand at a time so that memory stays flat while a consumer stores them."""
        if self.unique is not None:
            yield from self.unique()
            return
        seen: set[tuple[str, str]] = set()
        for lists in (self.by_challenge, self.by_startup):
            for matches in lists.values():
                for m in matches:
                    if (key := (m.challenge_id, m.startup_id)) not in seen:
                        seen.add(key)
                        yield m
