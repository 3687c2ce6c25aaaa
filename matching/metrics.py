"""Ranking metrics exactly as shared/matching-dev/README.md defines them.

Per query with at least one gold item: reciprocal rank of the first gold item (0 if it is not
ranked), Recall@k = share of the query's gold items in the top k, nDCG@10 with binary relevance.
Everything is averaged over those queries.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

KEYS = ("mrr", "recall@1", "recall@5", "recall@10", "ndcg@10")


def query_metrics(ranking: Sequence[str], gold: set[str]) -> dict[str, float]:
    """Metrics of one ranked list against its gold set (which must not be empty)."""
    hits = [r for r, item in enumerate(ranking) if item in gold]
    dcg = sum(1.0 / math.log2(r + 2) for r in hits if r < 10)
    idcg = sum(1.0 / math.log2(r + 2) for r in range(min(len(gold), 10)))
    return {
        "mrr": 1.0 / (hits[0] + 1) if hits else 0.0,
        "recall@1": sum(r < 1 for r in hits) / len(gold),
        "recall@5": sum(r < 5 for r in hits) / len(gold),
        "recall@10": sum(r < 10 for r in hits) / len(gold),
        "ndcg@10": dcg / idcg,
    }


def mean_metrics(
    rankings: Mapping[str, Sequence[str]], gold: Mapping[str, set[str]]
) -> dict[str, float]:
    """Average over queries that have gold items; a query without a ranking scores 0."""
    queries = [q for q, items in gold.items() if items]
    if not queries:
        return dict.fromkeys(KEYS, 0.0) | {"queries": 0}
    per = [query_metrics(rankings.get(q, ()), gold[q]) for q in queries]
    out: dict[str, float] = {k: sum(m[k] for m in per) / len(per) for k in KEYS}
    out["queries"] = len(queries)
    return out
