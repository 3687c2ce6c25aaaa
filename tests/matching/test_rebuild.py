"""The chunked batch rebuild agrees with a straightforward dense computation."""

import numpy as np
import pytest

from matching import Matcher, MatcherConfig, synth, top_k_all
from matching.scoring import hub_score, pair_scores, signal_values

K = 5


def dense_top_k(m: Matcher) -> dict[str, list[str]]:
    """The score formula evaluated on the full all-pairs matrix (small data only)."""
    cfg = m.config
    text = (m.c.text @ m.s.text.T).toarray()
    hub_c = np.array([hub_score(r[r > 0], min(cfg.hub_k, text.shape[1])) for r in text])
    hub_s = np.array([hub_score(r[r > 0], min(cfg.hub_k, text.shape[0])) for r in text.T])
    ci, si = np.nonzero(text > cfg.min_text_score)
    cat, region = signal_values(m.c.facts.take(ci), m.s.facts.take(si))
    score = pair_scores(text[ci, si], hub_c[ci], hub_s[si], cat, region, cfg)
    out: dict[str, list[str]] = {}
    for i, cid in enumerate(m.c.ids):
        sel = ci == i
        order = np.lexsort((si[sel], -score[sel]))[:K]
        out[cid] = [m.s.ids[j] for j in si[sel][order]]
    return out


@pytest.fixture(scope="module")
def corpus():
    return synth.challenges(120, seed=3), synth.startups(150, seed=4)


def test_chunked_rebuild_equals_dense_computation(corpus):
    cs, ss = corpus
    m = Matcher(MatcherConfig(chunk_rows=16, candidates=40)).fit(cs, ss, workers=2)
    result = top_k_all(m, k=K)
    expected = dense_top_k(m)
    got = {cid: [x.startup_id for x in ms] for cid, ms in result.by_challenge.items()}
    assert got == expected


def test_batch_and_single_queries_agree(corpus):
    cs, ss = corpus
    m = Matcher(MatcherConfig(chunk_rows=16)).fit(cs, ss, workers=1)
    result = top_k_all(m, k=K)
    for doc in cs[:10]:
        assert result.by_challenge[doc.id] == m.startups_for(doc.id, K)
    for doc in ss[:10]:
        assert result.by_startup[doc.id] == m.challenges_for(doc.id, K)


def test_pruned_retrieval_keeps_exact_scores(corpus):
    cs, ss = corpus
    exact = Matcher().fit(cs, ss, workers=1)
    pruned = Matcher(MatcherConfig(prune_above=0)).fit_tokens(cs, ss, *_tokens(cs, ss), workers=1)
    a, b = top_k_all(exact, k=K), top_k_all(pruned, k=K)
    scores = {
        (x.challenge_id, x.startup_id): x.text_score for v in a.by_challenge.values() for x in v
    }
    overlap = total = 0
    for cid, matches in b.by_challenge.items():
        ids = {x.startup_id for x in a.by_challenge[cid]}
        overlap += len(ids & {x.startup_id for x in matches})
        total += len(ids)
        for x in matches:
            if (cid, x.startup_id) in scores:
                assert x.text_score == pytest.approx(scores[cid, x.startup_id], abs=1e-3)
    assert overlap / total > 0.8


def _tokens(cs, ss):
    from matching.tokens import tokenize_all

    tokens = tokenize_all([*cs, *ss], workers=1)
    return tokens[: len(cs)], tokens[len(cs) :]
