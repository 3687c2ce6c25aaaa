"""Related words: found across different words, explained apart from the shared ones, honestly."""

from pathlib import Path

import pytest

from matching import ChallengeDoc, Matcher, MatcherConfig, StartupDoc, TokenCache, rebuild
from matching.dataset import load_dataset
from matching.related import english_stem, synonym_groups, synonym_matrix
from matching.tokens import tokenize_all
from matching.wordvec import available, spacy_hash, vector_matrix

DEV_DATA = Path("/work/shared/matching-dev")

ALL_ON = MatcherConfig(synonym_weight=0.5, stem_weight=0.5, lsa_weight=0.3)
needs_vectors = pytest.mark.skipif(not available(), reason="ja-ginza is not installed")


def test_spacy_hash_is_spacys():
    strings = pytest.importorskip("spacy.strings")
    for word in ("子育て", "a", "デマンド交通の移動支援", "chatbot-service", ""):
        assert spacy_hash(word) == strings.hash_string(word)


@needs_vectors
def test_word_vectors_relate_words_that_share_no_characters():
    terms = ["子育て", "保育", "避難", "防災", "窓口", "相談", "道路", "veteran"]
    m = vector_matrix(terms, neighbours=3, min_sim=0.4)
    pairs = {(terms[i], terms[j]) for i, j in zip(*m.nonzero(), strict=True)}
    assert {("子育て", "保育"), ("避難", "防災"), ("窓口", "相談")} <= pairs
    assert (m != m.T).nnz == 0 and m.diagonal().sum() == 0
    assert not any("veteran" in p for p in pairs)  # English terms get no vectors
    again = vector_matrix(terms, neighbours=3, min_sim=0.4)  # the same vocabulary: reused
    assert (again != m).nnz == 0 and again is not m


@needs_vectors
def test_shipped_defaults_find_a_company_through_related_words():
    cs = [ChallengeDoc("c1", "避難", "避難の支援")]
    ss = [StartupDoc("s1", "A", "防災アプリ"), StartupDoc("s2", "B", "農業ドローン")]
    best = Matcher().fit(cs, ss, workers=1).startups_for("c1")[0]
    assert best.startup_id == "s1"
    assert ("避難", "防災") in {(r.challenge_term, r.startup_term) for r in best.related}


def test_sudachi_synonym_groups_link_different_words():
    assert set(synonym_groups("子育て")) & set(synonym_groups("育児"))
    assert set(synonym_groups("高齢者")) & set(synonym_groups("老人"))
    assert synonym_groups("veteran") == ()
    m = synonym_matrix(["子育て", "育児", "道路"])
    assert m[0, 1] == 1 and m[1, 0] == 1 and m[0, 0] == 0 and m[0, 2] == 0


def test_english_stems_fold_forms_but_terms_stay_readable():
    assert english_stem("digitize") == english_stem("digital")
    assert english_stem("防災") == ""


def test_a_match_through_related_words_says_so():
    cs = [ChallengeDoc("c1", "子育て", "子育て世帯を支えたい")]
    ss = [StartupDoc("s1", "A", "育児アプリ"), StartupDoc("s2", "B", "農業ドローン")]
    m = Matcher(MatcherConfig(synonym_weight=0.5, vector_weight=0)).fit(cs, ss, workers=1)
    best = m.startups_for("c1")[0]
    assert best.startup_id == "s1" and best.terms == ()
    assert [(r.challenge_term, r.startup_term) for r in best.related] == [("子育て", "育児")]
    assert best.to_dict()["related"][0]["startup_term"] == "育児"
    off = Matcher(MatcherConfig(vector_weight=0, synonym_weight=0)).fit(cs, ss, workers=1)
    assert off.startups_for("c1") == []  # no shared word, no related word: no match


def _check_honest(match, c_words, s_words):
    for t in match.terms:
        assert t.term in c_words and t.term in s_words
    for r in match.related:
        assert r.challenge_term != r.startup_term
        assert r.challenge_term in c_words and r.startup_term in s_words
        assert r.weight > 0
    explained = sum(t.weight for t in match.terms) + sum(r.weight for r in match.related)
    assert explained <= match.text_score + 1e-3


@pytest.mark.skipif(not DEV_DATA.exists(), reason="needs shared/matching-dev")
def test_explanations_never_claim_a_word_missing_from_either_text():
    data = load_dataset(DEV_DATA)
    docs = [*data.challenges, *data.startups]
    tokens = tokenize_all(docs, workers=1)
    words = {
        ("c" if i < len(data.challenges) else "s", d.id): {*t.title, *t.body, *t.tags}
        for i, (d, t) in enumerate(zip(docs, tokens, strict=True))
    }
    cache = TokenCache()
    result = rebuild(data.challenges, data.startups, k=10, config=ALL_ON, workers=1,
                     tokens_cache=cache)
    m = Matcher(ALL_ON).fit(data.challenges, data.startups, workers=1, tokens_cache=cache)
    seen_related = 0
    for c in data.challenges:
        batch = result.by_challenge[c.id]
        assert batch == m.startups_for(c.id, k=10)  # batch and single paths explain alike
        for match in batch:
            _check_honest(match, words[("c", c.id)], words[("s", match.startup_id)])
            seen_related += bool(match.related)
    for s in data.startups[:30]:
        for match in m.challenges_for(s.id, k=5):
            _check_honest(match, words[("c", match.challenge_id)], words[("s", s.id)])
    assert seen_related > 0


def test_related_pair_weights_are_exact_parts_of_the_score():
    """Each reported pair (i, j) is in the right rows and weighs exactly α·u_i·R_ij·v_j; the
    startup terms shown are those with the largest related contribution."""
    import numpy as np
    import scipy.sparse as sp

    from matching.explain import related_pair_arrays

    rng = np.random.default_rng(3)
    n = 40
    r = sp.random(n, n, density=0.08, random_state=4, dtype=np.float32)
    r = sp.csr_matrix(r.maximum(r.T))
    r.setdiag(0)
    r.eliminate_zeros()
    c = sp.csr_matrix(sp.random(6, n, density=0.2, random_state=5, dtype=np.float32))
    s = sp.csr_matrix(sp.random(7, n, density=0.2, random_state=6, dtype=np.float32))
    ci, si = rng.integers(0, 6, 30), rng.integers(0, 7, 30)
    out = related_pair_arrays(c, s, r, ci, si, alpha=1.0, top=2, chunk=8)
    dense_r, dense_c, dense_s = r.toarray(), c.toarray(), s.toarray()
    for p in range(30):
        u, v = dense_c[ci[p]], dense_s[si[p]]
        per_j = (u @ dense_r) * v
        got = range(out.starts[p], out.starts[p + 1])
        for e in got:
            i, j = out.c_term[e], out.s_term[e]
            assert u[i] > 0 and v[j] > 0 and i != j
            assert out.weight[e] == pytest.approx(round(float(u[i] * dense_r[i, j] * v[j]), 4))
            assert out.weight[e] == pytest.approx(round(float((u * dense_r[:, j]).max() * v[j]), 4))
        best = sorted(per_j[per_j > 0], reverse=True)[:2]
        shown = sorted((per_j[out.s_term[e]] for e in got), reverse=True)
        assert len(shown) <= 2 and np.allclose(shown, best[: len(shown)], atol=1e-6)


@needs_vectors
def test_compounds_without_a_vector_get_their_parts():
    from matching.wordvec import compound_parts, vector_row

    assert vector_row("スマートフォンアプリ") == -1
    parts = (vector_row("スマートフォン"), vector_row("アプリ"))
    assert compound_parts("スマートフォンアプリ") == parts
    assert compound_parts("防災") == ()  # has its own vector
    terms = ["スマートフォンアプリ", "アプリ", "道路"]
    with_parts = vector_matrix(terms, neighbours=3, min_sim=0.4, compounds=True)
    assert with_parts[0, 1] > 0.4
    assert vector_matrix(terms, neighbours=3, min_sim=0.4)[0].nnz == 0


def test_fits_in_two_threads_at_once_do_not_share_a_tokenizer():
    """The app may refit in a request thread while a rebuild runs in another."""
    from concurrent.futures import ThreadPoolExecutor

    def fit(seed: int) -> int:
        words = ["子育て", "保育", "避難", "防災", "高齢者", "介護", "窓口", "相談"]
        cs = [ChallengeDoc(f"c{i}", w, f"{w}の課題{seed}") for i, w in enumerate(words[::2])]
        ss = [StartupDoc(f"s{i}", "A", f"{w}サービス") for i, w in enumerate(words[1::2])]
        m = Matcher().fit(cs, ss, workers=1)
        return sum(len(m.startups_for(c.id)) for c in cs)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(fit, range(6)))
    assert len(set(results)) == 1 and results[0] > 0


def test_one_matcher_scores_new_documents_from_two_threads(matcher):
    """A shared index answers requests in parallel: each thread tokenises with its own Sudachi."""
    from concurrent.futures import ThreadPoolExecutor

    doc = ChallengeDoc("new", "避難所の混雑", "避難所の混雑を減らしたい。" * 50)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _i: matcher.score_challenge(doc), range(8)))
    assert all(r == results[0] for r in results) and results[0].matches
