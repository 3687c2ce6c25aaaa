"""Scored pair arrays and the explained :class:`Match` objects made from them when read.

A full rebuild at 20 000 × 20 000 keeps about 600 000 pairs with 3 million terms, so this is
the one place where per-object Python cost matters. Pairs stay in flat arrays
(:class:`PairTable`) until someone reads them, and then:

* the cyclic garbage collector is paused while the objects are made (none of them can form a
  cycle; left on, it rescans the growing heap again and again and triples the cost);
* objects are created through their slot descriptors (the frozen dataclasses' ``__init__``
  goes through ``object.__setattr__`` field by field) — same classes, same values;
* the signals that depend only on a prefecture or on a category set are shared (they are
  frozen, so sharing is invisible).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from matching.config import MatcherConfig
from matching.explain import RelatedPairs, SharedTerms
from matching.signals import region_label
from matching.types import Match, RelatedTerm, Signal, Term


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while many acyclic objects are created (restored afterwards)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _maker(cls: type, names: Sequence[str]) -> Any:
    """A fast constructor for a slotted frozen dataclass: ``make(*values)``."""
    setters = [getattr(cls, name).__set__ for name in names]
    new = object.__new__
    if len(names) == 2:
        set_a, set_b = setters

        def make2(a: object, b: object) -> Any:
            obj: Any = new(cls)
            set_a(obj, a)
            set_b(obj, b)
            return obj

        return make2

    def make(*values: object) -> Any:
        obj: Any = new(cls)
        for setter, value in zip(setters, values, strict=True):
            setter(obj, value)
        return obj

    return make


_new_term = _maker(Term, ("term", "weight"))
_new_match = _maker(
    Match, ("challenge_id", "startup_id", "score", "text_score", "terms", "signals", "related")
)
_new_related = _maker(RelatedTerm, ("challenge_term", "startup_term", "weight"))
_new_signal = _maker(Signal, ("name", "value", "weight"))


@dataclass(frozen=True)
class PairTable:
    """Scored, explained pairs as flat aligned arrays; :class:`Match` objects on demand.

    A full rebuild keeps its ~600 000 pairs in this form (tens of MB instead of about half a GB
    of objects) and makes the objects only when a consumer reads a list, so the cost of the
    Python objects is paid once per pair actually read, by whoever reads it.
    """

    ci: np.ndarray  # per pair: row into c_ids / c_prefs
    si: np.ndarray  # per pair: row into s_ids
    c_ids: Sequence[str]
    s_ids: Sequence[str]
    c_prefs: Sequence[str]  # each challenge's prefecture
    text: np.ndarray
    score: np.ndarray
    cat: np.ndarray
    region: np.ndarray
    hub: np.ndarray
    terms: SharedTerms
    vocabulary: Sequence[str]
    shared_cats: Sequence[tuple[str, ...]]  # the distinct sets of shared category names
    cat_label: np.ndarray  # per pair: index into shared_cats
    config: MatcherConfig
    related: RelatedPairs | None = None  # related-word pairs, when that signal is on

    def __len__(self) -> int:
        return len(self.text)

    def stream(self, chunk: int = 10_000) -> Iterator[Match]:
        """Every pair's Match in position order, ``chunk`` at a time."""
        for start in range(0, len(self.text), chunk):
            yield from self.matches(range(start, min(start + chunk, len(self.text))))

    def matches(self, positions: Sequence[int] | np.ndarray | None = None) -> list[Match]:
        """The Match of each pair position, in the order given (all pairs by default)."""
        picked = range(len(self.text)) if positions is None else positions
        at = np.asarray(picked, np.int64)
        cfg = self.config
        beta_cat, beta_reg, lam = cfg.category_weight, cfg.region_weight, cfg.hub_penalty
        cat, hub = self.cat[at], self.hub[at]
        texts = np.round(self.text[at].astype(np.float64), 4).tolist()
        scores = np.round(self.score[at].astype(np.float64), 4).tolist()
        cats, regions, hubs = cat.tolist(), self.region[at].tolist(), np.round(hub, 4).tolist()
        cat_w = np.round(beta_cat * cat, 4).tolist()
        hub_w = np.round(-lam * np.round(hub, 4), 4).tolist()
        first = self.terms.starts[at]
        lengths = self.terms.starts[at + 1] - first
        bounds = np.concatenate([[0], np.cumsum(lengths)])
        entries = np.arange(bounds[-1]) + np.repeat(first - bounds[:-1], lengths)
        bounds_list = bounds.tolist()
        labels = self.cat_label[at].tolist()
        ci, si = self.ci[at].tolist(), self.si[at].tolist()
        vocabulary, c_ids, s_ids, c_prefs = self.vocabulary, self.c_ids, self.s_ids, self.c_prefs
        new_term, new_match, new_signal = _new_term, _new_match, _new_signal
        region_signals: dict[str, Signal] = {}
        cat_signals: dict[tuple[tuple[str, ...], float], Signal] = {}
        out: list[Match] = []
        with gc_paused():
            names = [vocabulary[t] for t in self.terms.term[entries].tolist()]
            weights = self.terms.weight[entries].tolist()
            all_terms = [new_term(t, w) for t, w in zip(names, weights, strict=True)]
            related = self._related(at)
            for n in range(len(at)):
                signals: list[Signal] = []
                if cats[n] > 0:
                    shared = self.shared_cats[labels[n]]
                    key = (shared, cat_w[n])
                    if (sig := cat_signals.get(key)) is None:
                        sig = cat_signals[key] = new_signal("shared_categories", *key)
                    signals.append(sig)
                if regions[n] > 0:
                    pref = c_prefs[ci[n]]
                    if (sig := region_signals.get(pref)) is None:
                        sig = region_signals[pref] = new_signal(
                            "region_served", region_label(pref), beta_reg
                        )
                    signals.append(sig)
                if hubs[n] > 0:
                    signals.append(new_signal("hub_penalty", hubs[n], hub_w[n]))
                terms = tuple(all_terms[bounds_list[n] : bounds_list[n + 1]])
                c_id, s_id = c_ids[ci[n]], s_ids[si[n]]
                out.append(
                    new_match(c_id, s_id, scores[n], texts[n], terms, tuple(signals), related[n])
                )
        return out

    def _related(self, at: np.ndarray) -> list[tuple[RelatedTerm, ...]]:
        """Each picked pair's related-word pairs as objects (empty tuples when there are none)."""
        rel = self.related
        if rel is None or len(rel.weight) == 0:
            return [()] * len(at)
        first = rel.starts[at]
        lengths = rel.starts[at + 1] - first
        bounds = np.concatenate([[0], np.cumsum(lengths)]).tolist()
        entries = np.arange(bounds[-1]) + np.repeat(first - np.array(bounds[:-1]), lengths)
        vocabulary = self.vocabulary
        objs = [
            _new_related(vocabulary[c], vocabulary[s], w)
            for c, s, w in zip(
                rel.c_term[entries].tolist(),
                rel.s_term[entries].tolist(),
                rel.weight[entries].tolist(),
                strict=True,
            )
        ]
        return [tuple(objs[bounds[n] : bounds[n + 1]]) for n in range(len(at))]


class RankedLists(Mapping[str, list[Match]]):
    """Document id → its matches in rank order, made from a :class:`PairTable` when read."""

    def __init__(self, table: PairTable, lists: dict[str, tuple[int, int]], at: np.ndarray):
        self._table, self._lists, self._at = table, lists, at

    def __getitem__(self, doc_id: str) -> list[Match]:
        a, b = self._lists[doc_id]
        return self._table.matches(self._at[a:b]) if b > a else []

    def __iter__(self) -> Iterator[str]:
        return iter(self._lists)

    def __len__(self) -> int:
        return len(self._lists)

    def total(self) -> int:
        """How many matches all lists hold together (without making them)."""
        return sum(b - a for a, b in self._lists.values())
