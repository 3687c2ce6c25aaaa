"""Search words of a text: the one text analysis the app asks of the matcher for its search box.

A search index wants short units, so a search for 防災 finds 防災アプリ and サーバ finds サーバー:
Japanese runs go through SudachiPy in split mode A (not the matcher's mode C) with normalised
forms, keeping nouns, verbs, adjectives and adjectival nouns but no numerals or pronouns. Latin
words are lower-cased with plurals folded by the matcher's own `fold_english`, after the
matcher's own `clean_text`, so the search and the matcher see the same text.
"""
from __future__ import annotations

import re
import threading

from matching.normalize import clean_text
from matching.tokenize import fold_english, make_tokenizer

#: Longer terms are cut to this many characters (the search index's column width).
MAX_TERM = 100
_KEEP_POS = ("名詞", "動詞", "形容詞", "形状詞")
_DROP_POS2 = ("数詞", "代名詞")
_LATIN = re.compile(r"[a-z0-9]+(?:['\-][a-z0-9]+)*")
_CHUNK = 4000  # Sudachi refuses very long inputs


_local = threading.local()


def _tokenizer():  # type: ignore[no-untyped-def]
    """One Sudachi tokenizer per thread: a shared one fails with "Already borrowed" when two
    requests search at once."""
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        tokenizer = _local.tokenizer = make_tokenizer(mode="A")
    return tokenizer


def search_words(text: str) -> list[str]:
    """Searchable words of a text, in reading order, without duplicates.

    The same function analyses documents when they are indexed and the query typed in the
    search box, so both meet on the same terms.
    """
    cleaned = clean_text(text)
    seen: dict[str, None] = {}
    start = 0
    for match in _LATIN.finditer(cleaned):
        _japanese(cleaned[start:match.start()], seen)
        if (word := fold_english(match.group())) is not None:
            seen.setdefault(word[:MAX_TERM])
        start = match.end()
    _japanese(cleaned[start:], seen)
    return list(seen)


def _japanese(text: str, seen: dict[str, None]) -> None:
    if not text.strip():
        return
    for start in range(0, len(text), _CHUNK):
        for morpheme in _tokenizer().tokenize(text[start:start + _CHUNK]):
            pos = morpheme.part_of_speech()
            if pos[0] not in _KEEP_POS or pos[1] in _DROP_POS2:
                continue
            term = morpheme.normalized_form().strip()
            if term and not term.isdigit():
                seen.setdefault(term[:MAX_TERM])
