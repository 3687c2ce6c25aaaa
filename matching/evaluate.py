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
from collections.abc import Callable, Sequence
from pathlib import Path

from matching.baselines import Rankings, bm25, char_2_3, tfidf_default
from matching.config import MatcherConfig
from matching.dataset import Dataset, load_dataset
from matching.index import Matcher
from matching.metrics import KEYS, mean_metrics
from matching.tokens import tokenize_all
from matching.types import ChallengeDoc, StartupDoc


def project_rankings(data: Dataset, config: MatcherConfig, workers: int) -> tuple[Rankings, ...]:
    """Rankings of the project's matcher in both directions over all documents: scored pairs
    by score, then the pairs without any shared term in file order (as the baselines)."""
    m = Matcher(config).fit(data.challenges, data.startups, workers=workers)
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


def evaluate(
    data: Dataset, config: MatcherConfig | None = None, workers: int = 2
) -> list[dict[str, float | str]]:
    """Metrics of every matcher, both directions (reverse ones prefixed ``reverse_``)."""
    cfg = config or MatcherConfig()
    gold_fwd: dict[str, set[str]] = defaultdict(set)
    gold_rev: dict[str, set[str]] = defaultdict(set)
    for c, s in data.gold:
        gold_fwd[c].add(s)
        gold_rev[s].add(c)
    docs: list[ChallengeDoc | StartupDoc] = [*data.challenges, *data.startups]
    tokens = tokenize_all(docs, workers=workers)
    c_tok, s_tok = tokens[: len(data.challenges)], tokens[len(data.challenges) :]
    runs: list[tuple[str, Callable[[], tuple[Rankings, ...]]]] = [
        ("project", lambda: project_rankings(data, cfg, workers)),
        ("tfidf-default", lambda: tfidf_default(data.challenges, data.startups)),
        ("char-2-3", lambda: char_2_3(data.challenges, data.startups)),
        ("bm25s", lambda: bm25(data.challenges, data.startups, c_tok, s_tok, cfg)),
    ]
    results: list[dict[str, float | str]] = []
    for name, run in runs:
        fwd, rev = run()
        row: dict[str, float | str] = {"matcher": name}
        row.update(mean_metrics(fwd, gold_fwd))
        row.update({f"reverse_{k}": v for k, v in mean_metrics(rev, gold_rev).items()})
        results.append(row)
    return results


def table(results: Sequence[dict[str, float | str]], prefix: str = "") -> str:
    """A Markdown table of one direction."""
    head = "| matcher | MRR | R@1 | R@5 | R@10 | nDCG@10 |"
    lines = [head, "|---|---|---|---|---|---|"]
    for r in results:
        cells = " | ".join(f"{float(r[prefix + k]):.3f}" for k in KEYS)
        lines.append(f"| {r['matcher']} | {cells} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m matching.evaluate", description=__doc__)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--json", action="store_true", help="one JSON line per matcher at the end")
    parser.add_argument("--k", type=int, default=10, help="list length shown (metrics fixed)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    data = load_dataset(args.directory)
    results = evaluate(data, workers=args.workers)
    n_fwd, n_rev = results[0]["queries"], results[0]["reverse_queries"]
    print(
        f"{len(data.challenges)} challenges, {len(data.startups)} startups, {len(data.gold)} gold"
    )
    print(f"\nchallenge → startups ({n_fwd} challenges with gold, ranking all startups)\n")
    print(table(results))
    print(f"\nstartup → challenges ({n_rev} startups with gold, ranking all challenges)\n")
    print(table(results, "reverse_"))
    best = max(float(r["mrr"]) for r in results if r["matcher"] != "project")
    ours = float(results[0]["mrr"])
    print(f"\nproject MRR {ours:.3f} vs best baseline {best:.3f}: {ours / best - 1:+.1%}")
    if args.json:
        for r in results:
            print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in r.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
