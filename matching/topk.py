"""Chunked sparse top-n products: all pairs are scored, but never stored all at once.

``sp_matmul_topn`` keeps only the n best columns per row while it multiplies, and rows go in
chunks so that progress can be reported and peak memory stays flat (one chunk's top-n, never an
all-pairs matrix).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp
from sparse_dot_topn import sp_matmul_topn


def chunked_topn(
    a: sp.csr_matrix,
    b: sp.csr_matrix,
    n: int,
    *,
    threshold: float = 0.0,
    chunk_rows: int = 2_000,
    threads: int = 2,
    progress: Callable[[int], None] | None = None,
) -> sp.csr_matrix:
    """The n largest values (> threshold) of each row of ``a @ b.T``, as a CSR matrix."""
    n = max(1, min(n, b.shape[0]))
    if a.shape[0] == 0 or b.shape[0] == 0:
        return sp.csr_matrix(a.shape[:1] + b.shape[:1], dtype=np.float32)
    bt = sp.csr_matrix(b.T)
    parts = []
    for start in range(0, a.shape[0], chunk_rows):
        chunk = a[start : start + chunk_rows]
        parts.append(sp_matmul_topn(chunk, bt, top_n=n, threshold=threshold, n_threads=threads))
        if progress is not None:
            progress(chunk.shape[0])
    return sp.csr_matrix(sp.vstack(parts, format="csr"), dtype=np.float32)


def keep_top_terms(m: sp.csr_matrix, keep: int) -> sp.csr_matrix:
    """Each row's ``keep`` largest entries (all of them when keep <= 0).

    Used for candidate retrieval only: the low-idf terms every document shares make the
    all-pairs product quadratic; the pairs found are then rescored with the full vectors.
    """
    if keep <= 0:
        return m
    counts = np.diff(m.indptr)
    rows = np.repeat(np.arange(m.shape[0]), counts)
    order = np.lexsort((-m.data, rows))
    rank = np.arange(len(order)) - m.indptr[rows[order]]
    chosen = np.sort(order[rank < keep])
    new_counts = np.bincount(rows[chosen], minlength=m.shape[0])
    indptr = np.concatenate([[0], np.cumsum(new_counts)])
    return sp.csr_matrix((m.data[chosen], m.indices[chosen], indptr), shape=m.shape)


def pair_dots(
    a: sp.csr_matrix, b: sp.csr_matrix, ai: np.ndarray, bi: np.ndarray, chunk: int = 200_000
) -> np.ndarray:
    """Exact a[ai[p]] · b[bi[p]] for every pair p, in chunks to bound memory."""
    out = np.zeros(len(ai), np.float32)
    for start in range(0, len(ai), chunk):
        sl = slice(start, start + chunk)
        prod = a[ai[sl]].multiply(b[bi[sl]])
        out[sl] = np.asarray(prod.sum(axis=1)).ravel()
    return out
