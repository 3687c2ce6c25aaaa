"""Reading an evaluation data set (the format of shared/matching-dev/README.md).

Optional keys may be missing and unknown keys are ignored; ``language``, ``municipality`` and
provenance fields are deliberately not used, so that nothing but text and structured fields
can leak into the ranking.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matching.types import ChallengeDoc, StartupDoc


@dataclass(frozen=True)
class Dataset:
    challenges: tuple[ChallengeDoc, ...]
    startups: tuple[StartupDoc, ...]
    gold: frozenset[tuple[str, str]]  # (challenge_id, startup_id)


def _rows(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value else ()
    return tuple(str(v) for v in value or () if v)


def load_dataset(directory: str | Path) -> Dataset:
    """Load challenges.jsonl, startups.jsonl and gold.jsonl from ``directory``."""
    d = Path(directory)
    challenges = tuple(
        ChallengeDoc(
            id=str(r["id"]),
            title=str(r.get("title") or ""),
            body=str(r.get("description") or ""),
            tags=_strings(r.get("tags")),
            categories=_strings(r.get("categories")),
            prefecture=str(r.get("prefecture") or ""),
        )
        for r in _rows(d / "challenges.jsonl")
    )
    startups = tuple(
        StartupDoc(
            id=str(r["id"]),
            name=str(r.get("name") or ""),
            body=str(r.get("description") or ""),
            tags=_strings(r.get("tags")),
            categories=_strings(r.get("categories")),
            regions=_strings(r.get("regions")),
        )
        for r in _rows(d / "startups.jsonl")
    )
    gold = frozenset(
        (str(r["challenge_id"]), str(r["startup_id"])) for r in _rows(d / "gold.jsonl")
    )
    return Dataset(challenges, startups, gold)
