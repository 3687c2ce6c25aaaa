"""Full rebuild: top-k in both directions for every participating document, in batch.

The heavy part — all-pairs text similarity — happens once in :meth:`Matcher.fit` as chunked
sparse top-n products (``MatcherConfig.candidates`` per row, never a dense all-pairs matrix).
Here those candidates are re-ranked with the full score, excluded pairs are dropped, and each
kept pair is explained once even when it appears in both directions.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import scipy.sparse as sp

from matching.config import MatcherConfig
from matching.explain import related_pair_arrays, shared_term_arrays
from matching.index import Matcher, Progress
from matching.results import PairTable, RankedLists
from matching.scoring import pair_scores, signal_values
from matching.tokens import TokenCache
from matching.types import ChallengeDoc, RebuildResult, StartupDoc


def rebuild(
    challenges: Sequence[ChallengeDoc],
    startups: Sequence[StartupDoc],
    *,
    k: int = 20,
    exclude: Collection[tuple[str, str]] = (),
    progress: Progress | None = None,
    workers: int = 2,
    config: MatcherConfig | None = None,
    tokens_cache: TokenCache | None = None,
) -> RebuildResult:
    """Fit on exactly these documents and return top-k both ways (``progress(done, total)``)."""
    cfg = config or MatcherConfig()
    if k + len(exclude) > cfg.candidates:  # keep room for excluded pairs in each row
        cfg = MatcherConfig(**{**cfg.__dict__, "candidates": max(cfg.candidates, 3 * k)})
    matcher = Matcher(cfg).fit(
        challenges, startups, progress=progress, tokens_cache=tokens_cache, workers=workers
    )
    return top_k_all(matcher, k=k, exclude=exclude)


def _direction(
    m: Matcher, top: sp.csr_matrix, from_challenges: bool, k: int, banned: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(row, challenge, startup, text) of the best k candidates of each row, in rank order."""
    if not top.has_sorted_indices:  # ties are broken by column
        top = top.sorted_indices()
    rows = np.repeat(np.arange(top.shape[0], dtype=np.int64), np.diff(top.indptr))
    cols = top.indices.astype(np.int64)
    text = top.data.astype(np.float32)
    ci, si = (rows, cols) if from_challenges else (cols, rows)
    keep = text > m.config.min_text_score
    if banned.size:
        keep &= ~np.isin(ci * len(m.s.ids) + si, banned)
    rows, cols, ci, si, text = rows[keep], cols[keep], ci[keep], si[keep], text[keep]
    cat, region = signal_values(m.c.facts.take(ci), m.s.facts.take(si))
    score = pair_scores(text, m.c.hub[ci], m.s.hub[si], cat, region, m.config)
    order = _rank_rows(rows, -score, top.shape[0], k)
    return rows[order], ci[order], si[order], text[order]


def _rank_rows(rows: np.ndarray, key: np.ndarray, n_rows: int, k: int) -> np.ndarray:
    """Positions of each row's k smallest keys, rows ascending, ties in input order.

    ``rows`` must be grouped ascending (CSR order). Each row is at most a few dozen
    candidates, so one stable sort of a padded (rows × width) array replaces a global sort.
    """
    if len(rows) == 0:
        return np.zeros(0, np.int64)
    counts = np.bincount(rows, minlength=n_rows)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    padded = np.full((n_rows, int(counts.max())), np.inf)
    padded[rows, np.arange(len(rows)) - starts[rows]] = key
    best = np.argsort(padded, axis=1, kind="stable")[:, :k]
    return (starts[:, None] + best)[best < counts[:, None]]


def top_k_all(
    matcher: Matcher, *, k: int = 20, exclude: Collection[tuple[str, str]] = ()
) -> RebuildResult:
    """Re-rank the fitted candidates of every document in both directions."""
    m, cfg = matcher, matcher.config
    n_s = len(m.s.ids)
    banned = np.array(
        [m.c.row[c] * n_s + m.s.row[s] for c, s in exclude if c in m.c.row and s in m.s.row],
        np.int64,
    )
    fwd = _direction(m, m.c.top, True, k, banned)
    rev = _direction(m, m.s.top, False, k, banned)
    fwd_rows, rev_rows = fwd[0], rev[0]
    codes = np.concatenate([fwd[1] * n_s + fwd[2], rev[1] * n_s + rev[2]])
    unique, inverse = np.unique(codes, return_inverse=True)
    ci, si = unique // max(n_s, 1), unique % max(n_s, 1)
    text = np.zeros(len(unique), np.float32)
    text[inverse] = np.concatenate([fwd[3], rev[3]])
    del codes, fwd, rev
    cat, region = signal_values(m.c.facts.take(ci), m.s.facts.take(si))
    score = pair_scores(text, m.c.hub[ci], m.s.hub[si], cat, region, cfg)
    wc = m.c.explain if m.c.explain is not None else m.c.word
    ws = m.s.explain if m.s.explain is not None else m.s.word
    labels, label_of = _shared_categories(m, ci, si, cat > 0)
    table = PairTable(
        ci=ci,
        si=si,
        c_ids=m.c.ids,
        s_ids=m.s.ids,
        c_prefs=m.c.prefs,
        text=text,
        score=score,
        cat=cat,
        region=region,
        hub=(m.c.hub[ci] + m.s.hub[si]) / 2.0,
        terms=shared_term_arrays(wc, ws, ci, si, cfg.word_share, cfg.explain_terms),
        vocabulary=m.space.terms,
        shared_cats=labels,
        cat_label=label_of,
        config=cfg,
        related=related_pair_arrays(
            wc, ws, m.space.related, ci, si, cfg.word_share, cfg.explain_related
        ),
    )
    n_fwd = len(fwd_rows)
    by_challenge = _lists(table, m.c.ids, m.c.empty, fwd_rows, inverse[:n_fwd])
    by_startup = _lists(table, m.s.ids, m.s.empty, rev_rows, inverse[n_fwd:])
    return RebuildResult(by_challenge, by_startup, {**m.c.empty, **m.s.empty}, table.stream)


def _lists(
    table: PairTable, ids: list[str], empty: dict[str, str], rows: np.ndarray, at: np.ndarray
) -> RankedLists:
    """Each row's pair positions in rank order (rows are grouped and already in rank order)."""
    bounds = np.flatnonzero(np.diff(rows)) + 1
    starts = np.concatenate([[0], bounds]).astype(np.int64)
    ends = np.concatenate([bounds, [len(rows)]]).astype(np.int64)
    spans = dict.fromkeys((x for x in ids if x not in empty), (0, 0))
    if len(rows):
        row_ids = [ids[r] for r in rows[starts].tolist()]
        spans.update(zip(row_ids, zip(starts.tolist(), ends.tolist(), strict=True), strict=True))
    return RankedLists(table, spans, at)


def _shared_categories(
    m: Matcher, ci: np.ndarray, si: np.ndarray, has: np.ndarray
) -> tuple[list[tuple[str, ...]], np.ndarray]:
    """The distinct sorted sets of shared category names, and each pair's index into them
    (label 0 is the empty set)."""
    label_of = np.zeros(len(ci), np.int64)
    where = np.flatnonzero(has)
    if where.size == 0:
        return [()], label_of
    bits = m.c.facts.cats[ci[where]] & m.s.facts.cats[si[where]]
    distinct, inverse = np.unique(bits, axis=0, return_inverse=True)
    names = m.coder_names()
    labels = [
        tuple(names[w * 64 + b] for w, word in enumerate(row.tolist()) for b in _bits(word))
        for row in distinct
    ]
    label_of[where] = inverse.reshape(-1) + 1
    return [(), *labels], label_of


def _bits(word: int) -> list[int]:
    return [b for b in range(64) if word >> b & 1]
