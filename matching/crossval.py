"""K-fold cross-validation over challenges, so that no tuned figure can flatter the matcher.

Challenges with gold are dealt into K folds (per language, shuffled with a fixed seed, so every
fold holds both languages). For each fold, every configuration of :data:`GRID` is scored on the
*other* folds' challenges only, the best one (by the mean of the Japanese and English MRR, so
that neither language is traded for the other) is kept, and the fold's challenges are ranked
with it. Fitting an index reads no gold (vocabulary, idf, synonyms and SVD come from the texts of
all documents, as in the app), so a configuration's rankings are computed once and each fold
only *chooses* among them. Baselines have nothing to tune; they are reported on the same folds.

The reverse direction (startup → challenges) is scored per fold too: a startup whose gold
challenges include some of the fold's is a query with those as gold, ranked by the fold's
configuration; its gold challenges in other folds are left out of that ranking.
"""

from __future__ import annotations

import random
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import product

from matching.config import MatcherConfig
from matching.metrics import KEYS, query_metrics

Rankings = Mapping[str, Sequence[str]]
PerQuery = dict[str, dict[str, float]]


#: Values tried for each tunable choice (the grid of ``--cv``). ``vector_weight`` and
#: ``synonym_weight`` are the largest entry each source puts in R (see matching/related.py);
#: 0 turns it off.
VALUES: dict[str, tuple[float, ...]] = {
    "vector_weight": (0.0, 0.3, 0.5),
    "vector_min_sim": (0.4, 0.5),
    "vector_compounds": (0.0, 1.0),  # 1: compounds without a vector get their parts' mean
    "synonym_weight": (0.0, 0.3),  # Sudachi synonym groups
    "hub_penalty": (0.5, 1.0),
}

#: Signals that were measured and are off because cross-validation found no gain: tried only
#: by ``--ablation`` (name → its weight → the values tried).
REJECTED: dict[str, tuple[str, tuple[float, ...]]] = {
    "English stems": ("stem_weight", (0.0, 0.2)),
    "LSA (TruncatedSVD)": ("lsa_weight", (0.0, 0.1)),
}


def make_grid(values: Mapping[str, Sequence[float]]) -> list[dict[str, float]]:
    """Every combination of ``values`` (the vectors' settings vary only when they are on)."""
    out: list[dict[str, float]] = []
    for combo in product(*values.values()):
        choice = dict(zip(values, combo, strict=True))
        if choice.get("vector_weight") == 0 and any(
            choice[k] != values[k][0] for k in values if k.startswith("vector_") and k in choice
            and k != "vector_weight"
        ):
            continue
        out.append(choice)
    return out


GRID: list[dict[str, float]] = make_grid(VALUES)
ABLATION_GRID: list[dict[str, float]] = make_grid(
    {**VALUES, **{w: v for w, v in REJECTED.values()}}
)


def config_of(choice: Mapping[str, float], base: MatcherConfig | None = None) -> MatcherConfig:
    """The matcher configuration of one grid entry."""
    cfg = base or MatcherConfig()
    typed = {k: type(getattr(cfg, k))(v) for k, v in choice.items()}  # 1.0 → True for flags
    return replace(cfg, **typed)


def make_folds(queries: Sequence[str], language: Mapping[str, str], k: int, seed: int = 13
               ) -> list[list[str]]:
    """K folds of query ids, each language shuffled (fixed seed) and dealt round-robin."""
    folds: list[list[str]] = [[] for _ in range(max(1, min(k, len(queries))))]
    at = 0
    for lang in sorted({language.get(q, "") for q in queries}):
        ids = sorted(q for q in queries if language.get(q, "") == lang)
        random.Random(f"{seed}-{lang}").shuffle(ids)
        for q in ids:
            folds[at % len(folds)].append(q)
            at += 1
    return folds


def per_query(rankings: Rankings, gold: Mapping[str, set[str]]) -> PerQuery:
    """Metrics of each query with gold (missing ranking = nothing found)."""
    return {q: query_metrics(rankings.get(q, ()), g) for q, g in gold.items() if g}


def _mean(rows: Sequence[Mapping[str, float]], key: str) -> float:
    return sum(r[key] for r in rows) / len(rows) if rows else 0.0


def objective(metrics: PerQuery, queries: Sequence[str], language: Mapping[str, str]) -> float:
    """Mean over languages of the MRR over ``queries`` (so both languages weigh the same)."""
    by_lang: dict[str, list[float]] = {}
    for q in queries:
        if q in metrics:
            by_lang.setdefault(language.get(q, ""), []).append(metrics[q]["mrr"])
    if not by_lang:
        return 0.0
    return sum(sum(v) / len(v) for v in by_lang.values()) / len(by_lang)


@dataclass
class Candidate:
    """One matcher configuration's rankings in both directions over all documents."""

    fwd: Rankings
    rev: Rankings
    fwd_metrics: PerQuery


def choose(candidates: Sequence[Candidate], train: Sequence[str],
           language: Mapping[str, str]) -> int:
    """Index of the best candidate on the training queries (earliest on ties)."""
    scores = [objective(c.fwd_metrics, train, language) for c in candidates]
    best = max(scores)
    return next(i for i, s in enumerate(scores) if s >= best - 1e-12)


def reverse_queries(
    rev: Rankings, gold_fwd: Mapping[str, set[str]], fold: Sequence[str]
) -> PerQuery:
    """Reverse-direction metrics of one fold (see the module docstring)."""
    in_fold = set(fold)
    gold_rev: dict[str, set[str]] = {}
    other: dict[str, set[str]] = {}
    for c, startups in gold_fwd.items():
        for s in startups:
            (gold_rev if c in in_fold else other).setdefault(s, set()).add(c)
    out: PerQuery = {}
    for s, g in gold_rev.items():
        skip = other.get(s, set())
        ranking = [c for c in rev.get(s, ()) if c not in skip]
        out[s] = query_metrics(ranking, g)
    return out


def summarise(
    fold_fwd: Sequence[PerQuery],
    fold_rev: Sequence[PerQuery],
    language: Mapping[str, str],
) -> dict[str, object]:
    """Pooled metrics (every query once), per language, and the spread over folds."""
    fwd = [m for fold in fold_fwd for m in fold.values()]
    rev = [m for fold in fold_rev for m in fold.values()]
    row: dict[str, object] = {k: _mean(fwd, k) for k in KEYS}
    row["queries"] = len(fwd)
    for lang in ("ja", "en"):
        rows = [m for fold in fold_fwd for q, m in fold.items() if language.get(q) == lang]
        for k in KEYS:
            row[f"{k}_{lang}"] = _mean(rows, k)
        row[f"queries_{lang}"] = len(rows)
    row.update({f"reverse_{k}": _mean(rev, k) for k in KEYS})
    row["reverse_queries"] = len(rev)
    for key, folds in (("mrr", fold_fwd), ("recall@10", fold_fwd), ("reverse_mrr", fold_rev)):
        metric = key.removeprefix("reverse_")
        values = [_mean(list(f.values()), metric) for f in folds if f]
        row[f"{key}_folds"] = [round(v, 4) for v in values]
        row[f"{key}_std"] = statistics.stdev(values) if len(values) > 1 else 0.0
    for lang in ("ja", "en"):
        values = [
            _mean([m for q, m in f.items() if language.get(q) == lang], "mrr")
            for f in fold_fwd
            if any(language.get(q) == lang for q in f)
        ]
        row[f"mrr_{lang}_folds"] = [round(v, 4) for v in values]
        row[f"mrr_{lang}_std"] = statistics.stdev(values) if len(values) > 1 else 0.0
    return row


def modal_choice(chosen: Sequence[int]) -> int:
    """The grid entry chosen by most folds (the earliest on ties): the shipped default."""
    counts = Counter(chosen)
    top = max(counts.values())
    return min(i for i, n in counts.items() if n == top)
