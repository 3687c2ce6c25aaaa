"""Reading an evaluation data set (the format of shared/matching-dev/README.md).

Optional keys may be missing and unknown keys are ignored; ``municipality`` and provenance
fields are deliberately not used, so that nothing but text and structured fields can leak into
the ranking. ``language`` is read only to report metrics per language (the matcher never sees
it); when it is missing, a text with any kana or kanji counts as Japanese.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matching.types import ChallengeDoc, StartupDoc


@dataclass(frozen=True)
class Dataset:
    challenges: tuple[ChallengeDoc, ...]
    startups: tuple[StartupDoc, ...]
    gold: frozenset[tuple[str, str]]  # (challenge_id, startup_id)
    #: Challenge id → "ja" or "en", and the same for startups, for per-language metrics only.
    challenge_language: dict[str, str] = field(default_factory=dict)
    startup_language: dict[str, str] = field(default_factory=dict)


_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


def _language(row: dict[str, Any], text: str) -> str:
    lang = str(row.get("language") or "").lower()
    if lang in ("ja", "en"):
        return lang
    return "ja" if _JAPANESE.search(text) else "en"


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
    c_rows, s_rows = _rows(d / "challenges.jsonl"), _rows(d / "startups.jsonl")
    challenges = tuple(
        ChallengeDoc(
            id=str(r["id"]),
            title=str(r.get("title") or ""),
            body=str(r.get("description") or ""),
            tags=_strings(r.get("tags")),
            categories=_strings(r.get("categories")),
            prefecture=str(r.get("prefecture") or ""),
        )
        for r in c_rows
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
        for r in s_rows
    )
    gold = frozenset(
        (str(r["challenge_id"]), str(r["startup_id"])) for r in _rows(d / "gold.jsonl")
    )
    c_lang = {str(r["id"]): _language(r, f"{r.get('title')}{r.get('description')}") for r in c_rows}
    s_lang = {str(r["id"]): _language(r, f"{r.get('name')}{r.get('description')}") for r in s_rows}
    return Dataset(challenges, startups, gold, c_lang, s_lang)
