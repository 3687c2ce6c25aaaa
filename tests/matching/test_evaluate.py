"""Evaluation: metric definitions on a hand-made data set, and the CLI's JSON lines."""

import json

import pytest

from matching import evaluate
from matching.metrics import mean_metrics, query_metrics


def test_query_metrics_known_answers():
    m = query_metrics(["a", "g1", "b", "c", "d", "g2"], {"g1", "g2"})
    assert m["mrr"] == 0.5
    assert m["recall@1"] == 0.0 and m["recall@5"] == 0.5 and m["recall@10"] == 1.0
    dcg = 1 / 1.584962500721156 + 1 / 2.807354922057604
    assert m["ndcg@10"] == pytest.approx(dcg / (1 + 1 / 1.584962500721156))


def test_unranked_gold_scores_zero_and_queries_without_gold_are_skipped():
    result = mean_metrics({"q1": ["x"], "q2": ["g"]}, {"q1": {"g"}, "q2": {"g"}, "q3": set()})
    assert result["mrr"] == 0.5 and result["queries"] == 2


def write_dataset(path):
    challenges = [
        {
            "id": "c1",
            "title": "防災",
            "description": "避難所の混雑を可視化したい",
            "language": "ja",
        },
        {"id": "c2", "title": "Telework", "description": "remote work for staff", "extra": 1},
        {"id": "c3", "title": "保育", "description": "保育園の申請をオンライン化"},
    ]
    startups = [
        {"id": "s1", "name": "A", "description": "避難所の混雑を可視化するAI"},
        {"id": "s2", "name": "B", "description": "remote work platform", "regions": ["全国"]},
        {"id": "s3", "name": "C", "description": "保育園の申請サービス", "categories": ["子育て"]},
    ]
    gold = [{"challenge_id": c, "startup_id": s} for c, s in (("c1", "s1"), ("c2", "s2"))]
    for name, rows in (("challenges", challenges), ("startups", startups), ("gold", gold)):
        with (path / f"{name}.jsonl").open("w", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def test_evaluate_cli_json_lines(tmp_path, capsys):
    write_dataset(tmp_path)
    assert evaluate.main([str(tmp_path), "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    rows = [json.loads(line) for line in lines[-4:]]
    assert [r["matcher"] for r in rows] == ["project", "tfidf-default", "char-2-3", "bm25s"]
    for r in rows:
        assert {"mrr", "recall@1", "recall@5", "recall@10", "ndcg@10"} <= r.keys()
    project = rows[0]
    assert project["mrr"] == 1.0 and project["recall@1"] == 1.0 and project["queries"] == 2
    assert project["reverse_mrr"] == 1.0
