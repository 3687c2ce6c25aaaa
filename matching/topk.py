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
