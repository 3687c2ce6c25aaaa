"""Turning scored pair arrays into explained :class:`Match` objects, once per pair.

A full rebuild at 20 000 × 20 000 creates about 600 000 matches with 3 million terms, so this is
the one place where per-object Python cost matters:

* the cyclic garbage collector is paused while the objects are made (none of them can form a
  cycle; left on, it rescans the growing heap again and again and triples the cost);
* objects are created through their slot descriptors (the frozen dataclasses' ``__init__``
  goes through ``object.__setattr__`` field by field) — same classes, same values;
* the signals that depend only on a prefecture or on a category set are shared (they are
  frozen, so sharing is invisible).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from matching.config import MatcherConfig
from matching.explain import SharedTerms
from matching.signals import region_label
from matching.types import Match, Signal, Term


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
    Match, ("challenge_id", "startup_id", "score", "text_score", "terms", "signals")
)
_new_signal = _maker(Signal, ("name", "value", "weight"))


def build_matches(
    challenge_ids: Sequence[str],
    startup_ids: Sequence[str],
    text: np.ndarray,
    score: np.ndarray,
    cat: np.ndarray,
    region: np.ndarray,
    hub: np.ndarray,
    terms: SharedTerms,
    vocabulary: Sequence[str],
    shared_cats: Sequence[tuple[str, ...]],
    prefectures: Sequence[str],
    config: MatcherConfig,
) -> list[Match]:
    """One Match per aligned pair; signals list only what applied, with what each added."""
    beta_cat, beta_reg, lam = config.category_weight, config.region_weight, config.hub_penalty
    texts = np.round(text.astype(np.float64), 4).tolist()
    scores = np.round(score.astype(np.float64), 4).tolist()
    cats, regions, hubs = cat.tolist(), region.tolist(), np.round(hub, 4).tolist()
    cat_w = np.round(beta_cat * cat, 4).tolist()
    hub_w = np.round(-lam * np.round(hub, 4), 4).tolist()
    bounds = terms.starts.tolist()
    weights = terms.weight.tolist()
    new_term, new_match, new_signal = _new_term, _new_match, _new_signal
    region_signals: dict[str, Signal] = {}
    cat_signals: dict[tuple[tuple[str, ...], float], Signal] = {}
    out: list[Match] = []
    with gc_paused():
        names = [vocabulary[j] for j in terms.term.tolist()]
        all_terms = [new_term(n, w) for n, w in zip(names, weights, strict=True)]
        for p in range(len(texts)):
            signals: list[Signal] = []
            if cats[p] > 0:
                key = (shared_cats[p], cat_w[p])
                if (sig := cat_signals.get(key)) is None:
                    sig = cat_signals[key] = new_signal("shared_categories", *key)
                signals.append(sig)
            if regions[p] > 0:
                pref = prefectures[p]
                if (sig := region_signals.get(pref)) is None:
                    sig = region_signals[pref] = new_signal(
                        "region_served", region_label(pref), beta_reg
                    )
                signals.append(sig)
            if hubs[p] > 0:
                signals.append(new_signal("hub_penalty", hubs[p], hub_w[p]))
            out.append(
                new_match(
                    challenge_ids[p],
                    startup_ids[p],
                    scores[p],
                    texts[p],
                    tuple(all_terms[bounds[p] : bounds[p + 1]]),
                    tuple(signals),
                )
            )
    return out
