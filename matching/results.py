"""Turning scored pair arrays into explained :class:`Match` objects, once per pair."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from matching.config import MatcherConfig
from matching.signals import region_label
from matching.types import Match, Signal, Term


def build_matches(
    challenge_ids: Sequence[str],
    startup_ids: Sequence[str],
    text: np.ndarray,
    score: np.ndarray,
    cat: np.ndarray,
    region: np.ndarray,
    hub: np.ndarray,
    terms: Sequence[tuple[Term, ...]],
    shared_cats: Sequence[tuple[str, ...]],
    prefectures: Sequence[str],
    config: MatcherConfig,
) -> list[Match]:
    """One Match per aligned pair; signals list only what applied, with what each added."""
    out = []
    beta_cat, beta_reg, lam = config.category_weight, config.region_weight, config.hub_penalty
    texts = np.round(text.astype(np.float64), 4).tolist()
    scores = np.round(score.astype(np.float64), 4).tolist()
    cats, regions, hubs = cat.tolist(), region.tolist(), np.round(hub, 4).tolist()
    cat_w = np.round(beta_cat * cat, 4).tolist()
    hub_w = np.round(-lam * np.round(hub, 4), 4).tolist()
    label = lru_cache(maxsize=None)(region_label)
    for p in range(len(texts)):
        signals: list[Signal] = []
        if cats[p] > 0:
            signals.append(Signal("shared_categories", shared_cats[p], cat_w[p]))
        if regions[p] > 0:
            signals.append(Signal("region_served", label(prefectures[p]), beta_reg))
        if hubs[p] > 0:
            signals.append(Signal("hub_penalty", hubs[p], hub_w[p]))
        out.append(
            Match(challenge_ids[p], startup_ids[p], scores[p], texts[p], terms[p], tuple(signals))
        )
    return out
