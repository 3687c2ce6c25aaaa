"""Structured signals that add to the text score: shared categories and the region served.

Both are cheap set operations on data the app already has, so they are computed per candidate
pair rather than being folded into the sparse vectors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from matching.regions import REGION_OF, canonical_prefecture, served_prefectures
from matching.types import ChallengeDoc, StartupDoc


@dataclass(frozen=True, slots=True)
class ChallengeFacts:
    categories: frozenset[str]
    prefecture: str  # canonical, "" if unknown


@dataclass(frozen=True, slots=True)
class StartupFacts:
    categories: frozenset[str]
    served: frozenset[str]


def challenge_facts(doc: ChallengeDoc) -> ChallengeFacts:
    cats = frozenset(c.strip() for c in doc.categories if c and c.strip())
    return ChallengeFacts(cats, canonical_prefecture(doc.prefecture))


def startup_facts(doc: StartupDoc) -> StartupFacts:
    cats = frozenset(c.strip() for c in doc.categories if c and c.strip())
    return StartupFacts(cats, served_prefectures(doc.regions))


def category_overlap(c: ChallengeFacts, s: StartupFacts) -> tuple[float, tuple[str, ...]]:
    """Cosine of the two category sets (1.0 = same set) and the shared names, sorted."""
    shared = c.categories & s.categories
    if not shared:
        return 0.0, ()
    return len(shared) / math.sqrt(len(c.categories) * len(s.categories)), tuple(sorted(shared))


def region_served(c: ChallengeFacts, s: StartupFacts) -> str:
    """The challenge's prefecture when the startup serves it (else "")."""
    return c.prefecture if c.prefecture and c.prefecture in s.served else ""


def region_label(prefecture: str) -> str:
    """`兵庫県` → `兵庫県（近畿）`, for explanations."""
    region = REGION_OF.get(prefecture, "")
    return f"{prefecture}（{region}）" if region and region != prefecture else prefecture
