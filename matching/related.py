"""Related words: pairs of *different* terms that mean nearly the same, as a term × term matrix.

TF-IDF only meets a challenge and a startup on the words they share. The matrix ``R`` built
here lets 子育て meet 育児 or "digitize" meet "digital": the text score becomes

    text = cos(u, v) + u·R·v        (R symmetric, zero diagonal, each entry ≤ its weight)

where u, v are the two word TF-IDF vectors. Every entry of ``R`` is one pair of vocabulary
terms, so each part of ``u·R·v`` is a readable pair "避難 ≈ 防災" for the explanation. Sources,
each with its own weight in :class:`~matching.config.MatcherConfig` (0 = off):

* ``vector_weight`` — Japanese word vectors shipped in ja-ginza (see :mod:`matching.wordvec`):
  each term's nearest other vocabulary terms, the entry being weight × cosine.
* ``synonym_weight`` — Sudachi's synonym dictionary: SudachiDict-core gives each word its
  synonym group ids (子育て and 育児 share one; 高齢者 and 老人 another). Looked up once per
  vocabulary term, never per document.
* ``stem_weight`` — English words with the same Snowball stem (digital / digitize, housing /
  house) but different readable forms.
* ``lsa_weight`` — latent semantics of this corpus: terms whose vectors in a truncated SVD of
  the document × term TF-IDF matrix point the same way (cosine ≥ ``lsa_min_sim``, at most
  ``lsa_neighbours`` per term, only terms found in ≥ 2 documents).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from matching.config import MatcherConfig
from matching.tokenize import shared_tokenizer
from matching.wordvec import vector_matrix


def _synonym_tokenizer():  # type: ignore[no-untyped-def]
    return shared_tokenizer(frozenset({"normalized_form", "synonym_group_ids"}))


@lru_cache(maxsize=200_000)
def synonym_groups(term: str) -> tuple[int, ...]:
    """Sudachi synonym group ids of a Japanese term (one word in its normalised form), else ()."""
    if term.isascii():
        return ()
    morphemes = _synonym_tokenizer().tokenize(term)
    if len(morphemes) != 1 or morphemes[0].normalized_form() != term:
        return ()
    return tuple(morphemes[0].synonym_group_ids())


@lru_cache(maxsize=200_000)
def english_stem(term: str) -> str:
    """Snowball (Porter 2) stem of an English term; "" for anything else."""
    if not term.isascii() or not term.isalpha():
        return ""
    return str(_stemmer().stemWord(term))


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def _same_key_pairs(keys: Sequence[Sequence[object]], n: int) -> sp.csr_matrix:
    """1 for every pair of different terms that share at least one key, else 0."""
    members: dict[object, list[int]] = {}
    for i, ks in enumerate(keys):
        for key in ks:
            members.setdefault(key, []).append(i)
    rows, cols = [], []
    for group in members.values():
        if 1 < len(group) <= 50:  # a huge group says little about any two of its members
            g = np.array(group)
            rows.append(np.repeat(g, len(g)))
            cols.append(np.tile(g, len(g)))
    if not rows:
        return sp.csr_matrix((n, n), dtype=np.float32)
    r, c = np.concatenate(rows), np.concatenate(cols)
    off = r != c
    m = sp.csr_matrix((np.ones(int(off.sum()), np.float32), (r[off], c[off])), shape=(n, n))
    m.data[:] = 1.0  # a pair sharing two groups is still one pair
    return m


def synonym_matrix(terms: Sequence[str]) -> sp.csr_matrix:
    """Pairs of vocabulary terms in one Sudachi synonym group."""
    return _same_key_pairs([synonym_groups(t) for t in terms], len(terms))


def stem_matrix(terms: Sequence[str]) -> sp.csr_matrix:
    """Pairs of different English vocabulary terms with one Snowball stem."""
    return _same_key_pairs([(s,) if (s := english_stem(t)) else () for t in terms], len(terms))


def lsa_matrix(docs: sp.csr_matrix, config: MatcherConfig) -> sp.csr_matrix:
    """Term pairs close in a truncated SVD of ``docs`` (documents × terms TF-IDF), weighted by
    their cosine there, at most ``lsa_neighbours`` per term, symmetric."""
    n_docs, n_terms = docs.shape
    dims = min(config.lsa_dims, n_docs - 1, n_terms - 1)
    if dims < 2:
        return sp.csr_matrix((n_terms, n_terms), dtype=np.float32)
    from sklearn.decomposition import TruncatedSVD

    svd = TruncatedSVD(n_components=dims, algorithm="randomized", n_iter=5, random_state=0)
    svd.fit(docs)
    vectors = (svd.components_.T * svd.singular_values_).astype(np.float32)  # terms × dims
    df = np.bincount(docs.indices, minlength=n_terms)
    usable = np.flatnonzero(df >= 2)
    v = vectors[usable]
    norms = np.linalg.norm(v, axis=1)
    norms[norms == 0] = 1.0
    v /= norms[:, None]
    top = config.lsa_neighbours
    rows, cols, vals = [], [], []
    for start in range(0, len(usable), 2_000):
        sims = v[start : start + 2_000] @ v.T
        local = np.arange(sims.shape[0])
        sims[local, start + local] = -1.0  # not itself
        k = min(top, sims.shape[1] - 1)
        if k <= 0:
            break
        best = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        vals_blk = np.take_along_axis(sims, best, axis=1)
        ok = vals_blk >= config.lsa_min_sim
        rows.append(np.repeat(usable[start + local], k)[ok.ravel()])
        cols.append(usable[best.ravel()][ok.ravel()])
        vals.append(vals_blk.ravel()[ok.ravel()])
    if not rows:
        return sp.csr_matrix((n_terms, n_terms), dtype=np.float32)
    m = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n_terms, n_terms),
        dtype=np.float32,
    )
    return sp.csr_matrix(m.maximum(m.T), dtype=np.float32)


def related_matrix(
    terms: Sequence[str], docs: sp.csr_matrix | None, config: MatcherConfig
) -> sp.csr_matrix | None:
    """The weighted sum ``R`` of every source that is on, or None when all are off.

    A pair found by several sources keeps the largest of its weights, so no pair counts twice.
    """
    parts: list[sp.csr_matrix] = []
    if config.vector_weight > 0:
        matrix = vector_matrix(
            terms, config.vector_neighbours, config.vector_min_sim,
            compounds=config.vector_compounds,
        )
        parts.append(config.vector_weight * matrix)
    if config.synonym_weight > 0:
        parts.append(config.synonym_weight * synonym_matrix(terms))
    if config.stem_weight > 0:
        parts.append(config.stem_weight * stem_matrix(terms))
    if config.lsa_weight > 0 and docs is not None:
        parts.append(config.lsa_weight * lsa_matrix(docs, config))
    if not parts:
        return None
    out = parts[0]
    for part in parts[1:]:
        out = out.maximum(part)
    out = sp.csr_matrix(out, dtype=np.float32)
    out.setdiag(0)
    out.eliminate_zeros()
    out.sort_indices()
    return out
