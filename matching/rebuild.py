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
from matching.explain import shared_terms
from matching.index import Matcher, Progress
from matching.results import build_matches
from matching.scoring import pair_scores, signal_values
from matching.tokens import TokenCache
from matching.types import ChallengeDoc, Match, RebuildResult, StartupDoc


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
    order = np.lexsort((cols, -score, rows))
    starts = np.searchsorted(rows[order], rows[order], side="left")
    order = order[np.arange(len(order)) - starts < k]
    return rows[order], ci[order], si[order], text[order]


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
    codes = np.concatenate([fwd[1] * n_s + fwd[2], rev[1] * n_s + rev[2]])
    unique, inverse = np.unique(codes, return_inverse=True)
    ci, si = unique // max(n_s, 1), unique % max(n_s, 1)
    text = np.zeros(len(unique), np.float32)
    text[inverse] = np.concatenate([fwd[3], rev[3]])
    cat, region = signal_values(m.c.facts.take(ci), m.s.facts.take(si))
    score = pair_scores(text, m.c.hub[ci], m.s.hub[si], cat, region, cfg)
    wc = m.c.explain if m.c.explain is not None else m.c.word
    ws = m.s.explain if m.s.explain is not None else m.s.word
    terms = shared_terms(wc, ws, ci, si, m.space.terms, cfg.word_share, cfg.explain_terms)
    shared = [
        tuple(sorted(m.c.cats[c] & m.s.cats[s])) if cat[p] > 0 else ()
        for p, (c, s) in enumerate(zip(ci.tolist(), si.tolist(), strict=True))
    ]
    matches = build_matches(
        [m.c.ids[c] for c in ci.tolist()],
        [m.s.ids[s] for s in si.tolist()],
        text,
        score,
        cat,
        region,
        (m.c.hub[ci] + m.s.hub[si]) / 2.0,
        terms,
        shared,
        [m.c.prefs[c] for c in ci.tolist()],
        cfg,
    )
    by_challenge: dict[str, list[Match]] = {cid: [] for cid in m.c.ids if cid not in m.c.empty}
    by_startup: dict[str, list[Match]] = {sid: [] for sid in m.s.ids if sid not in m.s.empty}
    fwd_at, rev_at = inverse[: len(fwd[0])], inverse[len(fwd[0]) :]
    for r, p in zip(fwd[0].tolist(), fwd_at.tolist(), strict=True):
        by_challenge[m.c.ids[r]].append(matches[p])
    for r, p in zip(rev[0].tolist(), rev_at.tolist(), strict=True):
        by_startup[m.s.ids[r]].append(matches[p])
    return RebuildResult(by_challenge, by_startup, {**m.c.empty, **m.s.empty})
