"""``python -m matching.evaluate DIR [--json] [--k 10]``: our matcher vs. baselines.

Prints one table per direction (challenge → startups, startup → challenges) with MRR,
Recall@1/5/10 and nDCG@10 over queries that have gold pairs, ranking all documents of the
other side. ``--json`` adds one JSON object per matcher as the last lines.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from matching import crossval, wordvec
from matching.baselines import Rankings, bm25, char_2_3, tfidf_default
from matching.config import MatcherConfig
from matching.dataset import Dataset, load_dataset
from matching.index import Matcher
from matching.metrics import KEYS
from matching.tokens import DocTokens, tokenize_all
from matching.types import ChallengeDoc, StartupDoc


def project_rankings(
    data: Dataset,
    config: MatcherConfig,
    workers: int,
    tokens: Sequence[DocTokens] | None = None,
) -> tuple[Rankings, ...]:
    """Rankings of the project's matcher in both directions over all documents: scored pairs
    by score, then the pairs without any shared term in file order (as the baselines)."""
    m = Matcher(config)
    if tokens is None:
        m.fit(data.challenges, data.startups, workers=workers)
    else:
        n = len(data.challenges)
        m.fit_tokens(data.challenges, data.startups, tokens[:n], tokens[n:], workers=workers)
    s_ids, c_ids = [d.id for d in data.startups], [d.id for d in data.challenges]
    fwd = {
        cid: _complete([x.startup_id for x in m.startups_for(cid, k=len(s_ids))], s_ids)
        for cid in c_ids
    }
    rev = {
        sid: _complete([x.challenge_id for x in m.challenges_for(sid, k=len(c_ids))], c_ids)
        for sid in s_ids
    }
    return fwd, rev


def _complete(ranked: list[str], all_ids: list[str]) -> list[str]:
    seen = set(ranked)
    return ranked + [x for x in all_ids if x not in seen]


def _gold(data: Dataset) -> dict[str, set[str]]:
    gold: dict[str, set[str]] = defaultdict(set)
    for c, st in data.gold:
        gold[c].add(st)
    return gold


def _baselines(data: Dataset, tokens: Sequence[DocTokens], cfg: MatcherConfig
               ) -> list[tuple[str, Callable[[], tuple[Rankings, ...]]]]:
    c_tok, s_tok = tokens[: len(data.challenges)], tokens[len(data.challenges) :]
    return [
        ("tfidf-default", lambda: tfidf_default(data.challenges, data.startups)),
        ("char-2-3", lambda: char_2_3(data.challenges, data.startups)),
        ("bm25s", lambda: bm25(data.challenges, data.startups, c_tok, s_tok, cfg)),
    ]


def _row(name: str, folds: Sequence[Sequence[str]], fwd_by_fold: Sequence[crossval.Rankings],
         rev_by_fold: Sequence[crossval.Rankings], data: Dataset) -> dict[str, Any]:
    gold = _gold(data)
    fold_fwd = [
        crossval.per_query(f, {q: gold[q] for q in fold})
        for fold, f in zip(folds, fwd_by_fold, strict=True)
    ]
    fold_rev = [
        crossval.reverse_queries(r, gold, fold) for fold, r in zip(folds, rev_by_fold, strict=True)
    ]
    return {"matcher": name, **crossval.summarise(fold_fwd, fold_rev, data.challenge_language)}


def evaluate(
    data: Dataset, config: MatcherConfig | None = None, workers: int = 2
) -> list[dict[str, Any]]:
    """Metrics of every matcher, both directions (reverse ones prefixed ``reverse_``), overall
    and per language (``mrr_ja``, ``mrr_en`` …), with the given (default: shipped) config."""
    cfg = config or MatcherConfig()
    docs: list[ChallengeDoc | StartupDoc] = [*data.challenges, *data.startups]
    tokens = tokenize_all(docs, workers=workers)
    everything = [sorted(_gold(data))]
    runs = [("project", lambda: project_rankings(data, cfg, workers, tokens))]
    results = []
    for name, run in [*runs, *_baselines(data, tokens, cfg)]:
        fwd, rev = run()
        results.append(_row(name, everything, [fwd], [rev], data))
    return results


def _candidates(data: Dataset, grid: Sequence[Mapping[str, float]], workers: int,
                tokens: Sequence[DocTokens]) -> list[crossval.Candidate]:
    gold = _gold(data)
    out = []
    for choice in grid:
        fwd, rev = project_rankings(data, crossval.config_of(choice), workers, tokens)
        out.append(crossval.Candidate(fwd, rev, crossval.per_query(fwd, gold)))
    return out


def _cv_project(data: Dataset, folds: Sequence[Sequence[str]],
                candidates: Sequence[crossval.Candidate], allowed: Sequence[int],
                name: str = "project") -> tuple[dict[str, Any], list[int]]:
    """The project's cross-validated row when only the grid entries ``allowed`` may be chosen."""
    gold = _gold(data)
    chosen = []
    for fold in folds:
        held_out = set(fold)
        train = [q for q in gold if q not in held_out]
        pick = crossval.choose([candidates[i] for i in allowed], train, data.challenge_language)
        chosen.append(allowed[pick])
    row = _row(name, folds, [candidates[c].fwd for c in chosen],
               [candidates[c].rev for c in chosen], data)
    return row, chosen


def cross_validate(
    data: Dataset,
    k: int = 5,
    *,
    seed: int = 13,
    workers: int = 2,
    grid: Sequence[Mapping[str, float]] | None = None,
    ablation: bool = False,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """K-fold cross-validated metrics of every matcher (see :mod:`matching.crossval`), and
    what was chosen: per fold and the modal choice (the one the defaults should be).

    With ``ablation``, ``info["ablation"]`` holds the project's cross-validated row with each
    signal alone and with each signal left out (the grid restricted accordingly)."""
    if grid is None:
        grid = crossval.ABLATION_GRID if ablation else crossval.GRID
    grid = list(grid)
    rejected = [w for w, _v in crossval.REJECTED.values()]
    shipped = [i for i, g in enumerate(grid) if not any(g.get(w) for w in rejected)]
    folds = crossval.make_folds(sorted(_gold(data)), data.challenge_language, k, seed)
    docs: list[ChallengeDoc | StartupDoc] = [*data.challenges, *data.startups]
    tokens = tokenize_all(docs, workers=workers)
    candidates = _candidates(data, grid, workers, tokens)
    project, chosen = _cv_project(data, folds, candidates, shipped)
    results = [project]
    for name, run in _baselines(data, tokens, MatcherConfig()):
        fwd, rev = run()
        results.append(_row(name, folds, [fwd] * len(folds), [rev] * len(folds), data))
    modal = crossval.modal_choice(chosen)
    info: dict[str, Any] = {
        "folds": [len(f) for f in folds],
        "chosen": [dict(grid[c]) for c in chosen],
        "modal": dict(grid[modal]),
        "grid_size": len(shipped),
    }
    if ablation:
        def pick(vectors: bool | None, parts: bool | None = None, synonyms: bool | None = None,
                 extra: str = "") -> list[int]:
            """Grid entries by what is on (True), off (False) or tuned (None); of the rejected
            signals exactly ``extra`` is on."""
            wanted = (("vector_weight", vectors), ("vector_compounds", parts),
                      ("synonym_weight", synonyms))
            return [
                i for i, g in enumerate(grid)
                if all(on is None or bool(g.get(w)) == on for w, on in wanted)
                and all(bool(g.get(w)) == (w == extra) for w in rejected)
            ]

        subsets: list[tuple[str, list[int]]] = [
            ("TF-IDF + hub, no related words", pick(False, synonyms=False)),
            ("+ Sudachi synonyms only", pick(False, synonyms=True)),
            ("+ word vectors, whole words only", pick(True, False, False)),
            ("+ word vectors, compounds by their parts", pick(True, True, False)),
            ("+ word vectors (compounds) + Sudachi synonyms", pick(True, True, True)),
        ]
        for label, (w, _values) in crossval.REJECTED.items():
            subsets.append((f"+ {label} only", pick(False, synonyms=False, extra=w)))
            subsets.append((f"shipped grid + {label}", pick(None, extra=w)))
        subsets.append(("shipped grid (as --cv)", shipped))
        info["ablation"] = [_cv_project(data, folds, candidates, allowed, name)[0]
                            for name, allowed in subsets]
    return results, info


def table(results: Sequence[Mapping[str, Any]], prefix: str = "") -> str:
    """A Markdown table of one direction."""
    head = "| matcher | MRR | R@1 | R@5 | R@10 | nDCG@10 |"
    lines = [head, "|---|---|---|---|---|---|"]
    for r in results:
        cells = " | ".join(f"{float(r[prefix + k]):.3f}" for k in KEYS)
        lines.append(f"| {r['matcher']} | {cells} |")
    return "\n".join(lines)


def cv_table(results: Sequence[Mapping[str, Any]]) -> str:
    """Cross-validated summary: mean ± spread over folds, per language, both directions."""
    head = "| matcher | MRR (± fold sd) | MRR ja | MRR en | R@10 | R@10 ja | R@10 en | reverse MRR"
    lines = [head + " |", "|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(
            f"| {r['matcher']} | {r['mrr']:.3f} ± {r['mrr_std']:.3f} | {r['mrr_ja']:.3f} | "
            f"{r['mrr_en']:.3f} | {r['recall@10']:.3f} | {r['recall@10_ja']:.3f} | "
            f"{r['recall@10_en']:.3f} | {r['reverse_mrr']:.3f} ± {r['reverse_mrr_std']:.3f} |"
        )
    return "\n".join(lines)


def language_table(results: Sequence[Mapping[str, Any]]) -> str:
    """One row per matcher and language (all, ja, en): MRR with its spread over folds, R@10."""
    lines = ["| matcher | language | queries | MRR (± sd over folds) | R@10 | nDCG@10 |",
             "|---|---|---|---|---|---|"]
    for r in results:
        for lang, suffix in (("all", ""), ("ja", "_ja"), ("en", "_en")):
            lines.append(
                f"| {r['matcher']} | {lang} | {r['queries' + suffix]} | "
                f"{r['mrr' + suffix]:.3f} ± {r['mrr' + suffix + '_std']:.3f} | "
                f"{r['recall@10' + suffix]:.3f} | {r['ndcg@10' + suffix]:.3f} |"
            )
    return "\n".join(lines)


def fold_table(results: Sequence[Mapping[str, Any]], info: Mapping[str, Any]) -> str:
    """Per fold: size, each matcher's MRR (all / ja / en) and the choice made on training folds."""
    names = [r["matcher"] for r in results]
    lines = ["| fold | n | " + " | ".join(names) + " | chosen on the other folds |",
             "|---|---|" + "---|" * len(names) + "---|"]
    for f, n in enumerate(info["folds"]):
        cells = []
        for r in results:
            ja, en = r["mrr_ja_folds"], r["mrr_en_folds"]
            cells.append(
                f"{r['mrr_folds'][f]:.3f} (ja {ja[f] if f < len(ja) else float('nan'):.3f}, "
                f"en {en[f] if f < len(en) else float('nan'):.3f})"
            )
        chosen = ", ".join(f"{k}={v:g}" for k, v in info["chosen"][f].items())
        lines.append(f"| {f + 1} | {n} | " + " | ".join(cells) + f" | {chosen} |")
    return "\n".join(lines)


def _print_json(results: Sequence[Mapping[str, Any]], extra: Mapping[str, Any]) -> None:
    for r in results:
        row = {k: round(v, 4) if isinstance(v, float) else v for k, v in r.items()}
        if r["matcher"] == "project":
            row.update(extra)
        print(json.dumps(row, ensure_ascii=False))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m matching.evaluate", description=__doc__)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--json", action="store_true", help="one JSON line per matcher at the end")
    parser.add_argument("--k", type=int, default=10, help="list length shown (metrics fixed)")
    parser.add_argument(
        "--cv", type=int, nargs="?", const=5, default=None, metavar="K",
        help="K-fold cross-validation over challenges (default K=5, fixed seed)",
    )
    parser.add_argument("--seed", type=int, default=13, help="fold seed for --cv")
    parser.add_argument("--ablation", action="store_true",
                        help="with --cv: also each signal alone and each left out")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    data = load_dataset(args.directory)
    print(
        f"{len(data.challenges)} challenges, {len(data.startups)} startups, {len(data.gold)} gold"
    )
    if not wordvec.available():
        print("warning: ja-ginza is not installed, so the Japanese word vectors are off "
              "(pip install -r requirements.txt)")
    if args.cv:
        results, info = cross_validate(data, args.cv, seed=args.seed, workers=args.workers,
                                       ablation=args.ablation)
        print(f"\n{len(info['folds'])}-fold cross-validation over challenges (seed {args.seed}); "
              f"every choice among {info['grid_size']} configurations made on training folds\n")
        print(cv_table(results))
        print("\nper language (challenge → startups; spread = sd of the fold means)\n")
        print(language_table(results))
        print("\nper fold: MRR of the held-out challenges (Japanese / English)\n")
        print(fold_table(results, info))
        if args.ablation:
            print("\nablation: the project cross-validated with the grid restricted\n")
            print(cv_table(info["ablation"]))
        modal = ", ".join(f"{k}={v:g}" for k, v in info["modal"].items())
        shipped = crossval.config_of(info["modal"]) == MatcherConfig()
        print(f"\nchosen by most folds: {modal} "
              f"({'= the shipped defaults' if shipped else 'differs from the shipped defaults'})")
        extra = {"cv": args.cv, "seed": args.seed, "chosen": info["chosen"],
                 "modal": info["modal"], "word_vectors": wordvec.available()}
    else:
        results = evaluate(data, workers=args.workers)
        print(f"\nchallenge → startups ({results[0]['queries']} challenges with gold, "
              "ranking all startups)\n")
        print(table(results))
        print(f"\nstartup → challenges ({results[0]['reverse_queries']} startups with gold, "
              "ranking all challenges)\n")
        print(table(results, "reverse_"))
        print("\nper language (challenge → startups MRR)\n")
        print(cv_table(results))
        extra = {"word_vectors": wordvec.available()}
    best = max(float(r["mrr"]) for r in results if r["matcher"] != "project")
    ours = float(results[0]["mrr"])
    print(f"\nproject MRR {ours:.3f} vs best baseline {best:.3f}: {ours / best - 1:+.1%}")
    for lang in ("ja", "en"):
        bm = next(float(r[f"mrr_{lang}"]) for r in results if r["matcher"] == "bm25s")
        mine = float(results[0][f"mrr_{lang}"])
        print(f"  {lang}: {mine:.3f} vs bm25s {bm:.3f}: {mine / bm - 1 if bm else 0.0:+.1%}")
    if args.json:
        _print_json(results, extra)
    return 0


if __name__ == "__main__":
    sys.exit(main())
