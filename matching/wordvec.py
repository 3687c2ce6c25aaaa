"""Japanese word vectors (chiVe, as pruned into ja-ginza: 20 000 vectors × 300, 480 443 words).

Only the package's data files are read — ``vocab/vectors`` (a NumPy array) and
``vocab/key2row`` (msgpack: spaCy's 64-bit string hash → row) — so spaCy is never imported and
nothing is downloaded. Vectors are used once per *vocabulary term*, never per document: the
terms of a fitted corpus get their nearest other terms (cosine ≥ ``vector_min_sim``, at most
``vector_neighbours`` each), which become related-word pairs (see :mod:`matching.related`).
A compound without a vector of its own may take the mean of its short units' vectors
(``vector_compounds``). English terms are left out (the vectors are trained on Japanese text).
"""

from __future__ import annotations

import importlib.util
import struct
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import scipy.sparse as sp

_M = 0xC6A4A7935BD1E995
_MASK = (1 << 64) - 1


def spacy_hash(text: str) -> int:
    """spaCy's string hash: MurmurHash64A of the UTF-8 bytes with seed 1."""
    data = text.encode("utf-8")
    h = (1 ^ (len(data) * _M)) & _MASK
    full = len(data) // 8
    for (k,) in struct.iter_unpack("<Q", data[: full * 8]):
        k = (k * _M) & _MASK
        k ^= k >> 47
        k = (k * _M) & _MASK
        h = ((h ^ k) * _M) & _MASK
    tail = data[full * 8 :]
    if tail:
        for i in range(len(tail) - 1, -1, -1):
            h ^= tail[i] << (8 * i)
        h = (h * _M) & _MASK
    h ^= h >> 47
    h = (h * _M) & _MASK
    return h ^ (h >> 47)


def _vocab_dir() -> Path | None:
    spec = importlib.util.find_spec("ja_ginza")
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        for candidate in sorted(Path(root).glob("ja_ginza-*/vocab")):
            if (candidate / "vectors").exists() and (candidate / "key2row").exists():
                return candidate
    return None


@lru_cache(maxsize=1)
def _table() -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(sorted hashes, their rows, unit-length float32 vectors), loaded once per process (about
    0.3 s; 30 MB kept); None when ja-ginza is not installed."""
    where = _vocab_dir()
    if where is None:
        return None
    try:
        from srsly import msgpack_loads  # installed with ja-ginza (spaCy's serialiser)
    except ImportError:  # pragma: no cover - srsly comes with ja-ginza
        return None
    key2row = msgpack_loads((where / "key2row").read_bytes())
    keys = np.fromiter(key2row.keys(), np.uint64, len(key2row))
    rows = np.fromiter(key2row.values(), np.int64, len(key2row))
    del key2row  # ~150 MB as a dict; 6 MB as two arrays
    order = np.argsort(keys)
    vectors = np.load(where / "vectors").astype(np.float32)
    norms = np.linalg.norm(vectors, axis=1)
    norms[norms == 0] = 1.0
    vectors /= norms[:, None]
    return keys[order], rows[order], vectors


def available() -> bool:
    """Whether the ja-ginza vectors are installed."""
    return _table() is not None


@lru_cache(maxsize=200_000)
def vector_row(term: str) -> int:
    """The term's row in the vector table, or -1 (English, unknown, or no table)."""
    table = _table()
    if table is None or term.isascii():
        return -1
    keys, rows, _vectors = table
    key = np.uint64(spacy_hash(term))
    at = int(np.searchsorted(keys, key))
    return int(rows[at]) if at < len(keys) and keys[at] == key else -1


@lru_cache(maxsize=200_000)
def compound_parts(term: str) -> tuple[int, ...]:
    """Rows of the short units (Sudachi split mode A) of a Japanese term that has no vector of
    its own, when at least two of them have one (スマートフォンアプリ → スマートフォン, アプリ)."""
    if term.isascii() or vector_row(term) >= 0:
        return ()
    parts = [vector_row(m.normalized_form()) for m in _short_units().tokenize(term)]
    rows = tuple(r for r in parts if r >= 0)
    return rows if len(rows) >= 2 else ()


def _short_units():  # type: ignore[no-untyped-def]
    from matching.tokenize import shared_tokenizer

    return shared_tokenizer(frozenset({"normalized_form"}), mode="A")


def vector_matrix(
    terms: Sequence[str], neighbours: int, min_sim: float, chunk: int = 1_000,
    compounds: bool = False,
) -> sp.csr_matrix:
    """Each Japanese term's nearest other vocabulary terms (cosine ≥ ``min_sim``), weighted by
    their cosine, made symmetric.

    Many words share one (pruned) vector, so the search runs over the vocabulary's *distinct*
    vectors: each gets its ``neighbours`` nearest other distinct vectors, their terms become the
    term's candidates (terms on its own vector at cosine 1), and each term keeps its
    ``neighbours`` best. The last result is kept, so refitting the same vocabulary is free.
    """
    key = (tuple(terms), neighbours, min_sim, compounds)
    last = _last[0]  # one read: another thread may replace it meanwhile
    if last is not None and last[0] == key:
        return last[1].copy()
    n = len(terms)
    table = _table()
    rows_of = np.array([vector_row(t) for t in terms], np.int64)
    extra: list[np.ndarray] = []
    if compounds and table is not None:
        base = len(table[2])
        for i, t in enumerate(terms):
            if rows_of[i] < 0 and (parts := compound_parts(t)):
                mean = table[2][list(parts)].mean(axis=0)
                extra.append(mean / max(float(np.linalg.norm(mean)), 1e-9))
                rows_of[i] = base + len(extra) - 1
    have = np.flatnonzero(rows_of >= 0)
    if table is None or len(have) < 2 or neighbours <= 0:
        return sp.csr_matrix((n, n), dtype=np.float32)
    distinct, inverse = np.unique(rows_of[have], return_inverse=True)
    vectors = np.vstack([table[2], *extra]) if extra else table[2]
    v = vectors[distinct]
    d = len(distinct)
    pd, pe, pv = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0, np.float32)]
    k = min(neighbours, d - 1)
    for start in range(0, d if k > 0 else 0, chunk):
        sims = v[start : start + chunk] @ v.T  # distinct vectors in the chunk × all distinct
        local = np.arange(sims.shape[0])
        sims[local, start + local] = -1.0  # not itself
        best = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        vals = np.take_along_axis(sims, best, axis=1).ravel()
        ok = vals >= min_sim
        pd.append(np.repeat(start + local, k)[ok])
        pe.append(best.ravel()[ok])
        pv.append(vals[ok])
    # Terms of each distinct vector, grouped; pairs of vectors become pairs of their terms.
    order = np.argsort(inverse, kind="stable")
    counts = np.bincount(inverse, minlength=d)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    same = np.flatnonzero(counts > 1)  # words sharing one vector: cosine 1
    rd, re_, rv = np.concatenate(pd), np.concatenate(pe), np.concatenate(pv)
    rd, re_ = np.concatenate([rd, same]), np.concatenate([re_, same])
    rv = np.concatenate([rv, np.ones(len(same), np.float32)])
    sizes = counts[rd] * counts[re_]
    pair = np.repeat(np.arange(len(rd)), sizes)
    within = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    width = counts[re_][pair]
    a = have[order[first[rd][pair] + within // width]]
    b = have[order[first[re_][pair] + within % width]]
    keep = a != b
    a, b, val = a[keep], b[keep], rv[pair][keep]
    # At most ``neighbours`` per term (the best; a word sharing its vector with many comes first).
    by = np.lexsort((b, -val, a))
    a, b, val = a[by], b[by], val[by]
    rank = np.arange(len(a)) - np.searchsorted(a, a)
    keep = rank < neighbours
    m = sp.csr_matrix((val[keep], (a[keep], b[keep])), shape=(n, n), dtype=np.float32)
    m = sp.csr_matrix(m.maximum(m.T), dtype=np.float32)
    _last[0] = (key, m)
    return m.copy()


#: The last call's (arguments, matrix), replaced as one object so that threads never mix them.
_last: list[tuple[tuple[object, ...], sp.csr_matrix] | None] = [None]
