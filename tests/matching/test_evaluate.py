"""Evaluation: metric definitions on a hand-made data set, and the CLI's JSON lines."""

import json

import pytest

from matching import crossval, evaluate
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


def test_cv_json_has_per_language_and_fold_spread(tmp_path, capsys):
    """--cv prints one JSON row per matcher with per-language MRR and the spread over folds."""
    write_dataset(tmp_path)
    assert evaluate.main([str(tmp_path), "--cv", "2", "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    rows = [json.loads(line) for line in lines[-4:]]
    assert [r["matcher"] for r in rows] == ["project", "tfidf-default", "char-2-3", "bm25s"]
    for r in rows:
        assert {"mrr", "recall@10", "mrr_ja", "mrr_en", "mrr_std", "mrr_folds"} <= r.keys()
        assert len(r["mrr_folds"]) == 2
    assert rows[0]["cv"] == 2 and len(rows[0]["chosen"]) == 2


def test_plain_run_reports_languages(tmp_path, capsys):
    """Without --cv the shipped defaults are evaluated, per language too."""
    write_dataset(tmp_path)
    assert evaluate.main([str(tmp_path), "--json"]) == 0
    project = json.loads(capsys.readouterr().out.strip().splitlines()[-4])
    assert project["mrr_ja"] == 1.0 and project["mrr_en"] == 1.0


def test_folds_cover_each_query_once_and_mix_languages():
    lang = {f"j{i}": "ja" for i in range(7)} | {f"e{i}": "en" for i in range(5)}
    folds = crossval.make_folds(sorted(lang), lang, 3)
    flat = [q for f in folds for q in f]
    assert sorted(flat) == sorted(lang) and len(flat) == len(set(flat))
    assert all({lang[q] for q in f} == {"ja", "en"} for f in folds)
    assert folds == crossval.make_folds(sorted(lang), lang, 3)  # fixed seed


def test_choice_reads_training_queries_only():
    """A configuration that is best only on the held-out query is not chosen."""
    lang = {"a": "ja", "b": "ja"}
    good_on_b = crossval.Candidate({}, {}, {"a": {"mrr": 0.1}, "b": {"mrr": 1.0}})
    good_on_a = crossval.Candidate({}, {}, {"a": {"mrr": 0.5}, "b": {"mrr": 0.0}})
    assert crossval.choose([good_on_b, good_on_a], ["a"], lang) == 1
