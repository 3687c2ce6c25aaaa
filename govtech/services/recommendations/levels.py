"""Plain levels instead of raw scores: 相性 高 / 中 / 参考.

The thresholds were measured on the development set (../shared/matching-dev, 34 challenges ×
120 startups, 45 gold pairs) with the project's matcher, ranking every startup for every
challenge — see matching/README.md, "Recommendation levels":

- score ≥ 0.25 (HIGH): 0.2 % of the non-gold pairs score this high; 57 % of the pairs that do are
  gold pairs (the base rate is 3 %).
- 0.10 ≤ score < 0.25 (MEDIUM): 55 % of these pairs are gold; together with HIGH they hold 44 % of
  all gold pairs while only 1.1 % of the other pairs reach 0.10.
- score < 0.10 (REFERENCE): 27 % gold between 0.05 (the floor below which nothing is stored,
  RECOMMENDATION_MIN_SCORE) and 0.10 — worth a look, not a recommendation: folded away.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_

from govtech.models import Recommendation

HIGH = 0.25
MEDIUM = 0.10
LEVELS = ("high", "medium", "reference")
#: what lists show unfolded, and the home page's top 5
SHOWN = ("high", "medium")


def level(score: float) -> str:
    """"high", "medium" or "reference" for a pair's score."""
    if score >= HIGH:
        return "high"
    if score >= MEDIUM:
        return "medium"
    return "reference"


def clause(levels: tuple[str, ...]) -> ColumnElement[bool]:
    """A WHERE clause keeping pairs of these levels."""
    score = Recommendation.score
    parts = {"high": score >= HIGH, "medium": and_(score >= MEDIUM, score < HIGH),
             "reference": score < MEDIUM}
    chosen = [parts[name] for name in LEVELS if name in levels]
    if not chosen:
        return false()
    if set(levels) >= {"high", "medium"} and "reference" not in levels:
        return score >= MEDIUM
    return or_(*chosen)
