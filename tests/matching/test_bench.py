"""The benchmark runs at a tiny size and reports every figure."""

import json

from matching import bench

KEYS = {
    "rebuild_s",
    "rebuild_cached_s",
    "query_p50_ms",
    "query_p95_ms",
    "peak_mb",
    "bm25_rebuild_s",
    "bm25_query_p95_ms",
    "vectors_load_s",
    "related_matrix_s",
    "rebuild_cached_no_vectors_s",
    "rebuild_cached_no_synonyms_s",
    "rebuild_cached_no_related_s",
    "query_p95_no_related_ms",
}


def test_bench_tiny_json(capsys):
    assert bench.main(["--challenges", "60", "--startups", "50", "--queries", "10", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures.keys() >= KEYS
    assert figures["pairs_by_challenge"] > 0 and figures["rebuild_cached_s"] > 0
