"""Reference matchers evaluated next to ours in every run, on the same data.

* ``tfidf-default`` — ``TfidfVectorizer()`` with scikit-learn defaults on raw text;
* ``char-2-3`` — char_wb 2–3-gram TF-IDF with sublinear tf on raw text;
* ``bm25s`` — BM25 (bm25s defaults) over exactly the tokens our matcher uses.

Each returns rankings in both directions over *all* documents of the other side: by score,
ties (including all the zero scores) in file order — which reproduces the reference figures
of shared/matching-dev/README.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import bm25s
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from matching.config import MatcherConfig
from matching.tokens import DocTokens
from matching.types import ChallengeDoc, StartupDoc

Rankings = dict[str, list[str]]


def rank_matrix(scores: np.ndarray, rows: Sequence[str], cols: Sequence[str]) -> Rankings:
    """All columns of each row, best first (ties by column order)."""
    out: Rankings = {}
    for i, rid in enumerate(rows):
        order = np.lexsort((np.arange(len(cols)), -scores[i]))
        out[rid] = [cols[j] for j in order]
    return out


def _texts(
    challenges: Sequence[ChallengeDoc], startups: Sequence[StartupDoc]
) -> tuple[list[str], list[str]]:
    c = [f"{d.title}\n{d.body}" for d in challenges]
    s = [f"{d.name}\n{d.body}" for d in startups]
    return c, s


def _tfidf(
    vectorizer: TfidfVectorizer, challenges: Sequence[ChallengeDoc], startups: Sequence[StartupDoc]
) -> tuple[Rankings, Rankings]:
    c_text, s_text = _texts(challenges, startups)
    vectorizer.fit(c_text + s_text)
    sims = (vectorizer.transform(c_text) @ vectorizer.transform(s_text).T).toarray()
    c_ids, s_ids = [d.id for d in challenges], [d.id for d in startups]
    return rank_matrix(sims, c_ids, s_ids), rank_matrix(sims.T, s_ids, c_ids)


def tfidf_default(
    challenges: Sequence[ChallengeDoc], startups: Sequence[StartupDoc]
) -> tuple[Rankings, Rankings]:
    return _tfidf(TfidfVectorizer(), challenges, startups)


def char_2_3(
    challenges: Sequence[ChallengeDoc], startups: Sequence[StartupDoc]
) -> tuple[Rankings, Rankings]:
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True)
    return _tfidf(vectorizer, challenges, startups)


def token_lists(tokens: Sequence[DocTokens], title: bool) -> list[list[str]]:
    """The tokens our matcher indexes for a document (the title only if it has weight)."""
    return [[*(t.title if title else ()), *t.body, *t.tags] for t in tokens]


def bm25_scores(corpus: list[list[str]], queries: list[list[str]]) -> np.ndarray:
    """Dense BM25 scores (queries × corpus) with bm25s defaults."""
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    vocab = retriever.vocab_dict
    out = np.zeros((len(queries), len(corpus)))
    for i, q in enumerate(queries):
        known = [t for t in q if t in vocab]
        if known:
            out[i] = retriever.get_scores(known)
    return out


def bm25(
    challenges: Sequence[ChallengeDoc],
    startups: Sequence[StartupDoc],
    c_tokens: Sequence[DocTokens],
    s_tokens: Sequence[DocTokens],
    config: MatcherConfig,
) -> tuple[Rankings, Rankings]:
    c_lists = token_lists(c_tokens, config.challenge_title_weight > 0)
    s_lists = token_lists(s_tokens, config.startup_name_weight > 0)
    c_ids, s_ids = [d.id for d in challenges], [d.id for d in startups]
    fwd = rank_matrix(bm25_scores(s_lists, c_lists), c_ids, s_ids)
    rev = rank_matrix(bm25_scores(c_lists, s_lists), s_ids, c_ids)
    return fwd, rev
