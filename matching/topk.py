"""Chunked sparse top-n products: all pairs are scored, but never stored all at once.

``sp_matmul_topn`` keeps only the n best columns per row while it multiplies, and rows go in
chunks so that progress can be reported and peak memory stays flat (one chunk's top-n, never an
all-pairs matrix).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

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
    # One stable float sort orders by row, then by weight descending (weights are in (0, 1]).
    order = np.argsort(rows * 2.0 - m.data, kind="stable")
    rank = np.arange(len(order)) - m.indptr[rows[order]]
    chosen = np.sort(order[rank < keep])
    new_counts = np.bincount(rows[chosen], minlength=m.shape[0])
    indptr = np.concatenate([[0], np.cumsum(new_counts)])
    return sp.csr_matrix((m.data[chosen], m.indices[chosen], indptr), shape=m.shape)


def hub_scores(top: sp.csr_matrix, k: int) -> np.ndarray:
    """Mean of each row's k highest values (missing ones count as 0), as float64.

    Computed exactly like :func:`matching.scoring.hub_score` (float32 values, sorted
    descending, summed), row-wise without a Python loop.
    """
    rows = top.shape[0]
    if k <= 0 or rows == 0:
        return np.zeros(rows)
    counts = np.diff(top.indptr)
    width = max(k, int(counts.max()) if counts.size else 0)
    padded = np.zeros((rows, width), np.float32)
    row_of = np.repeat(np.arange(rows), counts)
    padded[row_of, np.arange(len(row_of)) - top.indptr[row_of]] = top.data
    padded.sort(axis=1)
    best = padded[:, ::-1][:, :k]
    out = np.zeros(rows)
    present = np.minimum(counts, k)
    for c in np.unique(present[present > 0]).tolist():  # same summation as a 1-D sum of c
        sel = np.flatnonzero(present == c)
        out[sel] = np.ascontiguousarray(best[sel, :c]).sum(axis=1) / k
    return out


def hub_of_values(values: np.ndarray, k: int) -> float:
    """:func:`hub_scores` of one row given as a plain array of values."""
    n = len(values)
    row = sp.csr_matrix((values, np.arange(n), [0, n]), shape=(1, max(n, 1)))
    return float(hub_scores(row, k)[0])


def exact_scores(
    a: sp.csr_matrix, b: sp.csr_matrix, a_top: sp.csr_matrix, b_top: sp.csr_matrix
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Replace the (pruned) values of both candidate matrices by exact ``a[i] · b[j]``.

    ``a_top`` is rows of a × rows of b, ``b_top`` the other way round; a pair found in both
    directions is scored once.
    """
    n_b = b.shape[0]
    a_codes = np.repeat(np.arange(a_top.shape[0], dtype=np.int64), np.diff(a_top.indptr))
    a_codes = a_codes * n_b + a_top.indices
    b_rows = np.repeat(np.arange(b_top.shape[0], dtype=np.int64), np.diff(b_top.indptr))
    b_codes = b_top.indices.astype(np.int64) * n_b + b_rows
    unique = np.sort(np.concatenate([a_codes, b_codes]))
    unique = unique[np.concatenate([[True], unique[1:] != unique[:-1]])]
    values = pair_dots(a, b, unique // n_b, unique % n_b)
    a_vals = values[np.searchsorted(unique, a_codes)]
    b_vals = values[np.searchsorted(unique, b_codes)]
    return (
        sp.csr_matrix((a_vals, a_top.indices, a_top.indptr), shape=a_top.shape),
        sp.csr_matrix((b_vals, b_top.indices, b_top.indptr), shape=b_top.shape),
    )


def pair_dots(
    a: sp.csr_matrix,
    b: sp.csr_matrix,
    ai: np.ndarray,
    bi: np.ndarray,
    budget: int = 4_000_000,
    pair_chunk: int = 25_000,
    threads: int = 2,
) -> np.ndarray:
    """Exact a[ai[p]] · b[bi[p]] for every pair p (``ai`` ascending), as float32.

    Rows of a are expanded into dense blocks of at most ``budget`` cells; each pair gathers
    its b row's entries from the block (no fancy-indexed copy of a, no sparse merge), in
    chunks of ``pair_chunk`` pairs so that memory stays flat. Blocks are independent and
    NumPy/SciPy release the GIL in these loops, so ``threads`` blocks run at once.
    """
    out = np.zeros(len(ai), np.float32)
    if len(ai) == 0:
        return out
    width = a.shape[1]
    block = max(1, budget // max(width, 1))
    bounds = np.searchsorted(ai, np.arange(0, a.shape[0] + block, block)).tolist()
    jobs = [
        (n * block, q0, q1)
        for n, (q0, q1) in enumerate(zip(bounds[:-1], bounds[1:], strict=True))
        if q0 < q1
    ]

    def run(job: tuple[int, int, int]) -> None:
        start, q0, q1 = job
        dense = a[start : start + block].toarray().ravel()
        for p0 in range(q0, q1, pair_chunk):
            p1 = min(p0 + pair_chunk, q1)
            out[p0:p1] = _block_dots(dense, width, start, b, ai[p0:p1], bi[p0:p1])

    if threads > 1 and len(jobs) > 1:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(run, jobs))  # list(): re-raises a worker's exception here
    else:
        for job in jobs:
            run(job)
    return out


def _block_dots(
    dense: np.ndarray, width: int, start: int, b: sp.csr_matrix, ai: np.ndarray, bi: np.ndarray
) -> np.ndarray:
    sub = b[bi]
    counts = np.diff(sub.indptr)
    local = np.repeat((ai - start) * width, counts)
    # Only the shared terms' float32 products, summed per pair by reduceat: the same
    # arithmetic (and so the same bits) as summing the rows of a sparse row product.
    prod = dense[local + sub.indices] * sub.data
    shared = prod != 0
    prod = prod[shared]
    pair_of = np.repeat(np.arange(len(ai)), counts)[shared]
    counts = np.bincount(pair_of, minlength=len(ai))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    sums = np.add.reduceat(np.append(prod, np.float32(0)), starts)
    sums[counts == 0] = 0.0
    return sums
