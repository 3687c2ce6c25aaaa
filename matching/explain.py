"""Why a pair matched: the shared words that contributed most to its text score.

Only word-level terms are shown — never character n-grams — and terms are Sudachi normalised
forms or plain English words, so a person reads 防災, テレワーク or "veteran". A term's weight is
its exact share of the text score: α·w_challenge·w_startup. In batch rebuilds above
``MatcherConfig.prune_above`` documents, terms are picked among each document's
``retrieval_terms`` heaviest terms (the ones that dominate the score anyway) to keep a rebuild
of 20 000 × 20 000 within seconds.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from matching.types import Term


def shared_terms(
    word_c: sp.csr_matrix,
    word_s: sp.csr_matrix,
    ci: np.ndarray,
    si: np.ndarray,
    terms: list[str],
    alpha: float,
    top: int,
) -> list[tuple[Term, ...]]:
    """For each pair (ci[p], si[p]) the ``top`` shared terms by contribution, best first."""
    if len(ci) == 0:
        return []
    prod = sp.csr_matrix(word_c[ci].multiply(word_s[si]))
    prod.eliminate_zeros()
    counts = np.diff(prod.indptr)
    rows = np.repeat(np.arange(len(ci)), counts)
    # One float sort orders by row, then by contribution (all contributions are in (0, 1]).
    order = np.argsort(rows * 2.0 - prod.data, kind="stable")
    rank = np.arange(len(order)) - prod.indptr[rows[order]]
    keep = order[rank < top]
    keep_rows = rows[keep]
    weights = np.round(prod.data[keep].astype(np.float64) * alpha, 4).tolist()
    names = [terms[j] for j in prod.indices[keep].tolist()]
    out: list[list[Term]] = [[] for _ in range(len(ci))]
    for r, name, w in zip(keep_rows.tolist(), names, weights, strict=True):
        out[r].append(Term(name, w))
    return [tuple(x) for x in out]
