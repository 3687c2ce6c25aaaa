"""``python -m matching.bench --challenges 20000 --startups 20000 [--json]``.

Measures on synthetic documents (:mod:`matching.synth`): a full rebuild with tokenising and
from cached tokens (top-20 both ways, scored and explained, as flat arrays), then
``materialise_s``: making one :class:`~matching.types.Match` object per distinct pair, as the
app does when it stores them; the latency of scoring one new document,
peak memory (``peak_mb``: up to the end of the matcher's stages; ``peak_total_mb``:
including the bm25s comparison that runs afterwards in the same process), and bm25s doing
the same top-20 retrieval over the same tokens in the same run. ``rebuild_cpu_s`` is the CPU
time of both rebuilds (this process and the tokeniser pool); ``load_start``/``load_end`` are the
machine's 1-minute load average: on two cores, a load well above 0 at the start means the
wall-clock figures were shared with other work.

What the word-vector signal costs is printed apart: ``vectors_load_s`` (reading ja-ginza's
table, once per process, before the rebuilds), ``related_matrix_s`` (each vocabulary term's
nearest terms and synonym pairs, in the fresh rebuild; a refit of the same vocabulary reuses
the vectors' part), and ``rebuild_cached_{no_vectors,no_synonyms,no_related}_s`` with
``query_p95_…_ms``: the same cached rebuild and queries with one signal or both off.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import replace

import bm25s
import numpy as np

from matching import synth, wordvec
from matching.baselines import token_lists
from matching.config import MatcherConfig
from matching.index import Matcher
from matching.rebuild import top_k_all
from matching.results import RankedLists
from matching.tokenize import WordTokenizer
from matching.tokens import TokenCache, tokenize_all, tokenize_doc
from matching.types import ChallengeDoc, StartupDoc


def _peak_mb() -> float:
    """Peak RSS so far of this process plus the largest child (the tokeniser pool), in MB.

    An upper bound: the two peaks need not coincide, and pages a forked child shares with
    this process count twice."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + kids) / 1024.0


def _cpu_s() -> float:
    """CPU seconds used so far by this process and its finished children (the tokeniser pool).

    Wall-clock figures depend on what else the machine runs; this one much less so."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _bm25_top(corpus: list[list[str]], queries: list[list[str]], k: int) -> bm25s.BM25:
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    vocab = retriever.vocab_dict
    known = [[t for t in q if t in vocab] or [next(iter(vocab))] for q in queries]
    retriever.retrieve(known, k=min(k, len(corpus)), show_progress=False, n_threads=2)
    return retriever


def run(n_challenges: int, n_startups: int, k: int = 20, queries: int = 200) -> dict[str, float]:
    """All figures of one benchmark run."""
    load_start = os.getloadavg()[0]
    cs, ss = synth.challenges(n_challenges), synth.startups(n_startups)
    cfg = MatcherConfig()
    cache = TokenCache()

    t0 = time.perf_counter()
    vectors = wordvec.available()  # loads ja-ginza's vector table once per process
    vectors_load_s = time.perf_counter() - t0

    t0, cpu0 = time.perf_counter(), _cpu_s()
    matcher = Matcher(cfg).fit(cs, ss, tokens_cache=cache, workers=2)
    result = top_k_all(matcher, k=k)
    rebuild_s, rebuild_cpu_s = time.perf_counter() - t0, _cpu_s() - cpu0
    related_matrix_s = matcher.space.related_s  # the fresh fit's (a refit of the same
    del matcher, result  # vocabulary reuses it)  # as the app does: one index at a time

    t0, cpu0 = time.perf_counter(), _cpu_s()
    matcher = Matcher(cfg).fit(cs, ss, tokens_cache=cache, workers=2)
    result = top_k_all(matcher, k=k)
    rebuild_cached_s, rebuild_cached_cpu_s = time.perf_counter() - t0, _cpu_s() - cpu0
    assert isinstance(result.by_challenge, RankedLists)
    pairs_by_challenge = result.by_challenge.total()
    t0 = time.perf_counter()
    unique_pairs = sum(1 for _match in result.pairs())  # the app stores each distinct pair
    materialise_s = time.perf_counter() - t0

    new_c = synth.challenges(queries // 2, seed=101)
    new_s = synth.startups(queries - queries // 2, seed=103)
    matcher.score_challenge(new_c[0])  # warm-up: creates this process's tokenizer
    lat = []
    for doc in [*new_c, *new_s]:
        t0 = time.perf_counter()
        if doc in new_c:
            matcher.score_challenge(doc, k=k)  # type: ignore[arg-type]
        else:
            matcher.score_startup(doc, k=k)  # type: ignore[arg-type]
        lat.append((time.perf_counter() - t0) * 1000)
    peak_mb = _peak_mb()  # the matcher's stages only; bm25s below runs in this process too
    del matcher, result

    # The same cached rebuild and queries with one added signal off, then with both: the
    # differences are what each signal costs.
    variants = {
        "no_vectors": replace(cfg, vector_weight=0.0),
        "no_synonyms": replace(cfg, synonym_weight=0.0),
        "no_related": replace(cfg, vector_weight=0.0, synonym_weight=0.0),
    }
    without: dict[str, float] = {}
    for name, variant in variants.items():
        t0 = time.perf_counter()
        plain = Matcher(variant).fit(cs, ss, tokens_cache=cache, workers=2)
        top_k_all(plain, k=k)
        without[f"rebuild_cached_{name}_s"] = round(time.perf_counter() - t0, 2)
        plain_q = []
        for doc in new_c[:50]:
            t0 = time.perf_counter()
            plain.score_challenge(doc, k=k)
            plain_q.append((time.perf_counter() - t0) * 1000)
        without[f"query_p95_{name}_ms"] = round(float(np.percentile(plain_q, 95)), 2)
        del plain

    docs: list[ChallengeDoc | StartupDoc] = [*cs, *ss]
    tokens = tokenize_all(docs, cache=cache, workers=1)
    c_lists = token_lists(tokens[: len(cs)], cfg.challenge_title_weight > 0)
    s_lists = token_lists(tokens[len(cs) :], cfg.startup_name_weight > 0)
    t0 = time.perf_counter()
    by_s = _bm25_top(s_lists, c_lists, k)
    _bm25_top(c_lists, s_lists, k)
    bm25_rebuild_s = time.perf_counter() - t0

    tok = WordTokenizer()
    bm_lat = []
    vocab = by_s.vocab_dict
    for doc in new_c:
        t0 = time.perf_counter()
        q = [t for t in token_lists([tokenize_doc(doc, tok)], True)[0] if t in vocab]
        by_s.retrieve([q or [next(iter(vocab))]], k=k, show_progress=False)
        bm_lat.append((time.perf_counter() - t0) * 1000)

    return {
        "challenges": n_challenges,
        "startups": n_startups,
        "k": k,
        "pairs_by_challenge": pairs_by_challenge,
        "unique_pairs": unique_pairs,
        "rebuild_s": round(rebuild_s, 2),
        "rebuild_cached_s": round(rebuild_cached_s, 2),
        "rebuild_cpu_s": round(rebuild_cpu_s, 2),
        "rebuild_cached_cpu_s": round(rebuild_cached_cpu_s, 2),
        "load_start": round(load_start, 2),
        "load_end": round(os.getloadavg()[0], 2),
        "materialise_s": round(materialise_s, 2),
        "query_p50_ms": round(float(np.percentile(lat, 50)), 2),
        "query_p95_ms": round(float(np.percentile(lat, 95)), 2),
        "peak_mb": round(peak_mb, 1),
        "vectors": vectors,
        "vectors_load_s": round(vectors_load_s, 2),
        "related_matrix_s": round(related_matrix_s, 3),
        **without,
        "peak_total_mb": round(_peak_mb(), 1),
        "bm25_rebuild_s": round(bm25_rebuild_s, 2),
        "bm25_query_p95_ms": round(float(np.percentile(bm_lat, 95)), 2),
        "bm25_vs_rebuild": round(bm25_rebuild_s / rebuild_s, 2),
        "bm25_vs_rebuild_cached": round(bm25_rebuild_s / rebuild_cached_s, 2),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m matching.bench", description=__doc__)
    parser.add_argument("--challenges", type=int, default=20_000)
    parser.add_argument("--startups", type=int, default=20_000)
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--json", action="store_true", help="one JSON object as the last line")
    args = parser.parse_args(argv)
    figures = run(args.challenges, args.startups, args.k, args.queries)
    width = max(len(key) for key in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print(
        f"bm25s is {figures['bm25_vs_rebuild']}x slower than the full rebuild "
        f"({figures['bm25_vs_rebuild_cached']}x than the rebuild from cached tokens)"
    )
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
