"""Why a pair matched: the shared words that contributed most to its text score, and apart
from them the related words (one in each text, see :mod:`matching.related`).

Only word-level terms are shown — never character n-grams — and terms are Sudachi normalised
forms or plain English words, so a person reads 防災, テレワーク or "veteran". A term's weight is
its exact share of the text score: α·w_challenge·w_startup. In batch rebuilds above
``MatcherConfig.prune_above`` documents, terms are picked among each document's
``retrieval_terms`` heaviest terms (the ones that dominate the score anyway) to keep a rebuild
of 20 000 × 20 000 within seconds.

The work is vectorised: one sparse element-wise product of the paired rows gives every shared
term's contribution, one sort ranks them within each pair, and the result is three flat arrays
(pair, term id, weight) that :meth:`matching.results.PairTable.matches` turns into ``Term``
objects when a list is read.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import scipy.sparse as sp


class SharedTerms(NamedTuple):
    """Flat explanation arrays: entry e says term ``term[e]`` adds ``weight[e]`` to ``pair[e]``.

    Entries are grouped by pair (ascending) and, within a pair, ordered best first;
    ``starts[p]:starts[p + 1]`` are the entries of pair p.
    """

    starts: np.ndarray  # (pairs + 1,) int64
    term: np.ndarray  # (entries,) int64, index into the vocabulary
    weight: np.ndarray  # (entries,) float64, rounded to 4 decimals


def shared_term_arrays(
    word_c: sp.csr_matrix,
    word_s: sp.csr_matrix,
    ci: np.ndarray,
    si: np.ndarray,
    alpha: float,
    top: int,
    chunk: int = 250_000,
) -> SharedTerms:
    """For each pair (ci[p], si[p]) the ``top`` shared terms by contribution, best first."""
    counts_all, terms_all, weights_all = [], [], []
    for start in range(0, len(ci), chunk):
        c_rows, s_rows = ci[start : start + chunk], si[start : start + chunk]
        prod = sp.csr_matrix(word_c[c_rows].multiply(word_s[s_rows]))
        prod.eliminate_zeros()
        rows = np.repeat(np.arange(len(c_rows)), np.diff(prod.indptr))
        # One float sort orders by row, then by contribution (all contributions are in (0, 1]).
        order = np.argsort(rows * 2.0 - prod.data, kind="stable")
        rank = np.arange(len(order)) - prod.indptr[rows[order]]
        keep = order[rank < top]
        counts_all.append(np.bincount(rows[keep], minlength=len(c_rows)))
        terms_all.append(prod.indices[keep].astype(np.int64))
        weights_all.append(np.round(prod.data[keep].astype(np.float64) * alpha, 4))
    if not counts_all:
        return SharedTerms(np.zeros(1, np.int64), np.zeros(0, np.int64), np.zeros(0))
    starts = np.concatenate([[0], np.cumsum(np.concatenate(counts_all))]).astype(np.int64)
    return SharedTerms(starts, np.concatenate(terms_all), np.concatenate(weights_all))



class RelatedPairs(NamedTuple):
    """Flat arrays of related-word pairs: entry e says challenge term ``c_term[e]`` ≈ startup
    term ``s_term[e]`` adds ``weight[e]`` to pair p (``starts[p]:starts[p + 1]``, best first)."""

    starts: np.ndarray  # (pairs + 1,) int64
    c_term: np.ndarray  # (entries,) int64
    s_term: np.ndarray  # (entries,) int64
    weight: np.ndarray  # (entries,) float64, rounded to 4 decimals


def no_related(pairs: int) -> RelatedPairs:
    """Empty explanation arrays for ``pairs`` pairs."""
    empty = np.zeros(0, np.int64)
    return RelatedPairs(np.zeros(pairs + 1, np.int64), empty, empty, np.zeros(0))


def related_pair_arrays(
    word_c: sp.csr_matrix,
    word_s: sp.csr_matrix,
    related: sp.csr_matrix | None,
    ci: np.ndarray,
    si: np.ndarray,
    alpha: float,
    top: int,
    chunk: int = 100_000,
) -> RelatedPairs:
    """For each pair (ci[p], si[p]) up to ``top`` related-word pairs (i in the challenge, j ≠ i
    in the startup), best first, each with its exact part α·u_i·R_ij·v_j of the text score.

    Vectorised in two steps. (1) ``(u·R) ∘ v`` — one sparse product and one element-wise
    product for a chunk of pairs — gives each startup term j its related contribution summed
    over the challenge's terms; the ``top`` best j of each pair are kept. (2) Each kept j is
    credited to its best single partner i among R's row j (a few terms) that the challenge
    has, looked up in the challenge rows (SciPy's C sampling of CSR entries).
    """
    if related is None or related.nnz == 0 or top <= 0 or len(ci) == 0:
        return no_related(len(ci))
    r_ptr, r_idx, r_val = related.indptr, related.indices, related.data
    counts_all, c_all, s_all, w_all = [], [], [], []
    for start in range(0, len(ci), chunk):
        c = sp.csr_matrix(word_c[ci[start : start + chunk]])
        s = word_s[si[start : start + chunk]]
        c.sort_indices()
        n = c.shape[0]
        per_j = sp.csr_matrix(sp.csr_matrix(c @ related).multiply(s))
        per_j.data[per_j.data * alpha < 5e-5] = 0  # a pair under this shows as 0.0000
        per_j.eliminate_zeros()
        rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(per_j.indptr))
        order = np.argsort(rows * 2.0 - per_j.data / max(float(per_j.data.max(initial=0)), 1.0),
                           kind="stable")
        rank = np.arange(len(order)) - per_j.indptr[rows[order]]
        keep = order[rank < top]  # grouped by pair, best j first
        pair, term_j = rows[keep], per_j.indices[keep].astype(np.int64)
        linked = r_ptr[term_j + 1] > r_ptr[term_j]  # always so for a symmetric R
        pair, term_j = pair[linked], term_j[linked]
        v = np.asarray(s[pair, term_j]).ravel()
        # (2) the best partner i of each kept j: R's row j, looked up in the challenge row.
        fan = (r_ptr[term_j + 1] - r_ptr[term_j]).astype(np.int64)
        entry = np.repeat(np.arange(len(pair)), fan)
        at = np.repeat(r_ptr[term_j].astype(np.int64) - np.cumsum(fan) + fan, fan)
        at += np.arange(len(entry))
        term_i, r = r_idx[at].astype(np.int64), r_val[at]
        u = np.asarray(c[pair[entry], term_i]).ravel()  # 0 where the challenge lacks term i
        contrib = u * r * v[entry]
        # Entries are grouped by kept j (R's row j, terms ascending): the first maximum of each
        # group is its best partner (the smallest term on ties). Every kept j has an entry.
        starts = np.cumsum(fan) - fan
        top_of = np.maximum.reduceat(contrib, starts) if len(entry) else contrib
        where_max = np.where(contrib == top_of[entry], np.arange(len(entry)), len(entry))
        first = np.minimum.reduceat(where_max, starts) if len(entry) else where_max
        weight = np.round(contrib[first].astype(np.float64) * alpha, 4)
        shown = weight > 0  # what would show as 0.0000 explains nothing
        counts_all.append(np.bincount(pair[shown], minlength=n))
        c_all.append(term_i[first][shown])
        s_all.append(term_j[shown])
        w_all.append(weight[shown])
    starts = np.concatenate([[0], np.cumsum(np.concatenate(counts_all))]).astype(np.int64)
    return RelatedPairs(starts, np.concatenate(c_all), np.concatenate(s_all), np.concatenate(w_all))
