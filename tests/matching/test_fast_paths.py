"""The vectorised fast paths compute exactly what the straightforward versions compute."""

import numpy as np
import pytest
import scipy.sparse as sp

from matching import Matcher, MatcherConfig, TokenCache, rebuild, synth, top_k_all
from matching.rebuild import _rank_rows
from matching.scoring import hub_score
from matching.tokens import tokenize_all
from matching.topk import hub_of_values, hub_scores, keep_top_terms, pair_dots


@pytest.fixture(scope="module")
def docs():
    return synth.challenges(80, seed=21), synth.startups(90, seed=22)


def test_pooled_tokenising_equals_serial(docs):
    cs, ss = docs
    both = [*cs, *ss]
    assert tokenize_all(both, workers=2, batch_size=25) == tokenize_all(both, workers=1)


def test_cached_token_rebuild_equals_fresh_rebuild(docs):
    cs, ss = docs
    cache = TokenCache()
    fresh = rebuild(cs, ss, k=5, workers=2, tokens_cache=cache)
    assert len(cache) == len(cs) + len(ss)
    assert rebuild(cs, ss, k=5, workers=2, tokens_cache=cache) == fresh


def test_pruned_path_cached_equals_fresh(docs):
    cs, ss = docs
    cfg = MatcherConfig(prune_above=0)
    cache = TokenCache()
    fresh = rebuild(cs, ss, k=5, workers=1, tokens_cache=cache, config=cfg)
    assert rebuild(cs, ss, k=5, workers=1, tokens_cache=cache, config=cfg) == fresh


def test_hub_scores_equal_the_one_row_formula():
    rng = np.random.default_rng(0)
    for _ in range(300):
        values = rng.random(int(rng.integers(0, 40))).astype(np.float32)
        k = int(rng.integers(1, 15))
        assert hub_of_values(values, k) == hub_score(values, k)
    rows = [rng.random(int(rng.integers(0, 30))).astype(np.float32) for _ in range(50)]
    indptr = np.concatenate([[0], np.cumsum([len(r) for r in rows])])
    data = np.concatenate(rows)
    m = sp.csr_matrix((data, np.arange(len(data)) % 30, indptr), shape=(50, 30))
    assert hub_scores(m, 10).tolist() == [hub_score(r, 10) for r in rows]


def test_pair_dots_are_bitwise_sparse_row_products():
    a = sp.random(300, 200, density=0.1, format="csr", dtype=np.float32, random_state=1)
    b = sp.random(250, 200, density=0.1, format="csr", dtype=np.float32, random_state=2)
    rng = np.random.default_rng(3)
    ai = np.sort(rng.integers(0, 300, 5000))
    bi = rng.integers(0, 250, 5000)
    expected = np.asarray(a[ai].multiply(b[bi]).sum(axis=1)).ravel()
    got = pair_dots(a, b, ai, bi, budget=2_000, pair_chunk=700)  # many blocks and chunks
    assert got.tolist() == expected.tolist()


def test_keep_top_terms_keeps_each_rows_heaviest():
    m = sp.random(40, 60, density=0.3, format="csr", dtype=np.float32, random_state=4)
    kept = keep_top_terms(m, 5)
    for i in range(40):
        row = m[i].toarray().ravel()
        want = sorted(row[row > 0].tolist(), reverse=True)[:5]
        assert sorted(kept[i].data.tolist(), reverse=True) == want


def test_rank_rows_is_a_stable_per_row_sort():
    rng = np.random.default_rng(5)
    rows = np.sort(rng.integers(0, 30, 400))
    key = rng.integers(0, 5, 400).astype(np.float64)  # many ties
    order = np.lexsort((np.arange(400), key, rows))
    starts = np.searchsorted(rows[order], rows[order])
    expected = order[np.arange(400) - starts < 4]
    assert _rank_rows(rows, key, 30, 4).tolist() == expected.tolist()


def test_pruned_batch_and_single_queries_agree(docs):
    cs, ss = docs
    m = Matcher(MatcherConfig(prune_above=10**9)).fit(cs, ss, workers=1)
    result = top_k_all(m, k=5)
    for doc in cs[:10]:
        assert m.score_challenge(doc, k=5).matches == tuple(result.by_challenge[doc.id])


def test_unique_pairs_are_both_directions_without_repeats(docs):
    cs, ss = docs
    result = rebuild(cs, ss, k=5, workers=1)
    generic = type(result)(result.by_challenge, result.by_startup, result.empty)
    fast = {(m.challenge_id, m.startup_id): m for m in result.pairs()}
    assert len(fast) == sum(1 for _m in result.pairs())  # no pair twice
    assert fast == {(m.challenge_id, m.startup_id): m for m in generic.pairs()}
    assert len(fast) > len(cs)
