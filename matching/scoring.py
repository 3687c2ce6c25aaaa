"""The one score, computed for many candidate pairs at once.

    score = text − λ·(hub_c + hub_s)/2 + β_cat·categories + β_reg·region

* ``text`` = α·cos_word + (1−α)·cos_char (see :mod:`matching.vectorize`), in [0, 1].
* ``hub_x`` = mean of document x's k highest text scores against the other side. Documents
  that resemble everything (generic, boilerplate-heavy or very short texts) are "hubs" that
  would otherwise top every list; subtracting the mean (CSLS, Conneau et al. 2018) ranks a
  startup by how much better it fits *this* challenge than it fits challenges in general.
* ``categories`` = |shared| / √(|C_c|·|C_s|), the cosine of the two category sets.
* ``region`` = 1 when the startup serves the challenge's prefecture (directly, through its
  region, or 全国), else 0.

Only pairs with text > ``min_text_score`` are candidates: a shared category alone is no match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matching.config import MatcherConfig
from matching.regions import PREFECTURES
from matching.signals import ChallengeFacts, StartupFacts

_PREF_BIT = {p: i for i, p in enumerate(PREFECTURES)}
_ONE = np.uint64(1)


@dataclass(frozen=True)
class SideFacts:
    """One side's signals as arrays: category bit sets, category counts, prefecture bits.

    For challenges ``pref`` holds the bit of the challenge's prefecture (0 = unknown); for
    startups it holds the bits of every prefecture served.
    """

    cats: np.ndarray  # (n, words) uint64
    ncats: np.ndarray  # (n,) float64, the real number of categories
    pref: np.ndarray  # (n,) uint64

    def take(self, rows: np.ndarray) -> SideFacts:
        return SideFacts(self.cats[rows], self.ncats[rows], self.pref[rows])


class CategoryCoder:
    """Category name → bit, fixed at fit time (names unseen then can match nothing)."""

    def __init__(self, names: set[str]) -> None:
        self.bit = {name: i for i, name in enumerate(sorted(names))}
        self.words = max(1, (len(self.bit) + 63) // 64)

    def _cats(self, facts: Sequence[ChallengeFacts] | Sequence[StartupFacts]) -> np.ndarray:
        out = np.zeros((len(facts), self.words), np.uint64)
        sets: list[frozenset[str]] = [f.categories for f in facts]  # type: ignore[attr-defined]
        for r, names in enumerate(sets):
            for name in names:
                if (b := self.bit.get(name)) is not None:
                    out[r, b // 64] |= _ONE << np.uint64(b % 64)
        return out

    def challenges(self, facts: Sequence[ChallengeFacts]) -> SideFacts:
        pref = [(1 << _PREF_BIT[f.prefecture]) if f.prefecture else 0 for f in facts]
        return SideFacts(self._cats(facts), _ncats(facts), np.array(pref, np.uint64))

    def startups(self, facts: Sequence[StartupFacts]) -> SideFacts:
        served = [sum(1 << _PREF_BIT[p] for p in f.served) for f in facts]
        return SideFacts(self._cats(facts), _ncats(facts), np.array(served, np.uint64))


def _ncats(facts: Sequence[ChallengeFacts] | Sequence[StartupFacts]) -> np.ndarray:
    return np.array([len(f.categories) for f in facts], np.float64)


def signal_values(c: SideFacts, s: SideFacts) -> tuple[np.ndarray, np.ndarray]:
    """(category cosine, region served 0/1) for aligned rows of challenge and startup facts."""
    shared = np.bitwise_count(c.cats & s.cats).sum(axis=1).astype(np.float64)
    denom = np.sqrt(c.ncats * s.ncats)
    cat = np.divide(shared, denom, out=np.zeros_like(shared), where=denom > 0)
    region = ((c.pref & s.pref) != 0).astype(np.float64)
    return cat, region


def pair_scores(
    text: np.ndarray,
    hub_c: np.ndarray,
    hub_s: np.ndarray,
    cat: np.ndarray,
    region: np.ndarray,
    config: MatcherConfig,
) -> np.ndarray:
    """The formula above, element-wise over candidate pairs."""
    return (
        text
        - config.hub_penalty * (hub_c + hub_s) / 2.0
        + config.category_weight * cat
        + config.region_weight * region
    )


def hub_score(values: np.ndarray, k: int) -> float:
    """Mean of the k highest values (when there are fewer, the missing ones count as 0)."""
    if k <= 0 or values.size == 0:
        return 0.0
    best = np.sort(values)[::-1][:k]
    return float(best.sum() / k)
