"""GovTech matcher: challenges and startups in, ranked and explained pairs out.

A plain Python package — it never imports Flask, SQLAlchemy or the app. See README.md for the
design and the score formula (also in :mod:`matching.scoring`).
"""

from matching.analysis import search_words
from matching.config import MatcherConfig
from matching.index import Matcher
from matching.rebuild import rebuild, top_k_all
from matching.tokens import DocTokens, TokenCache, tokenize_all
from matching.types import (
    ChallengeDoc,
    Match,
    RebuildResult,
    RelatedTerm,
    ScoredResult,
    Signal,
    StartupDoc,
    Term,
)

#: Bump when scores or explanations change, so stored recommendations can be recomputed.
MATCHER_VERSION = "2026.12-1"

__all__ = [
    "MATCHER_VERSION",
    "ChallengeDoc",
    "DocTokens",
    "Match",
    "Matcher",
    "MatcherConfig",
    "RebuildResult",
    "RelatedTerm",
    "ScoredResult",
    "Signal",
    "StartupDoc",
    "Term",
    "TokenCache",
    "rebuild",
    "search_words",
    "tokenize_all",
    "top_k_all",
]
