"""Text → content words, the same way for Japanese, English and mixed text.

Japanese runs go through SudachiPy (split mode C, normalised forms), so 表記ゆれ such as
サーバー/サーバ or 見つける/見付ける fold to one term, and only content words survive: nouns,
verbs, adjectives and adjectival nouns; particles, auxiliaries, symbols, numbers, pronouns and
light verbs (する, なる, できる …) are dropped. Latin runs never reach Sudachi (it upper-cases
and splits English oddly and is slower on it): they are lower-cased words with English stop
words removed and plurals folded (veterans → veteran) — a fold that keeps the word readable,
because the terms double as the explanation a user reads.

Input must already be cleaned by :func:`matching.normalize.clean_text`.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sudachipy import Dictionary, SplitMode

#: Bump when the tokens produced for a text change: cached token lists become stale.
TOKENIZER_VERSION = "2"  # 2: SudachiPy 0.6.11 + SudachiDict-core 20260723

# Latin words (with inner hyphens/apostrophes) vs. everything else.
_LATIN = re.compile(r"[a-z0-9]+(?:['’\-][a-z0-9]+)*")
_HAS_LETTER = re.compile(r"[a-z]")
# Sudachi rejects very long inputs; chunks are cut at sentence ends or spaces below this size.
_CHUNK_CHARS = 4_000
_SENTENCE_END = re.compile(r"(?<=[。．！？!?\n])")

_EN_STOP = frozenset(ENGLISH_STOP_WORDS) | {"etc", "eg", "ie", "via", "com", "www", "http", "https"}
# Light verbs, formal nouns, counters and other words that say nothing about a topic.
_JA_STOP_WORDS = """
為る 居る 有る 在る 成る 出来る 言う 思う 行う 因る 於く 付く 置く 見る 来る 致す 頂く
事 こと 物 もの 為 ため 様 よう 等 所 ところ 方 中 際 場合 他 各 毎 皆 ん さ 的 化
上 下 内 外 後 前 以上 以下 以外 一つ 二つ 一 二 三 目 度 回 件 点 つ 年 月 日 時 分 人 名 個 者
"""
_JA_STOP = frozenset(_JA_STOP_WORDS.split())

# Part-of-speech prefixes whose words are content words (Sudachi's 6-level POS tuples).
_KEEP_POS = (("名詞",), ("動詞", "一般"), ("形容詞", "一般"), ("形状詞", "一般"))
_DROP_POS = (("名詞", "数詞"), ("名詞", "代名詞"), ("名詞", "普通名詞", "助数詞可能"))


def fold_english(word: str) -> str | None:
    """Return a readable English term for a lower-case Latin word, or None to drop it.

    Only the plural is folded: stemming (communiti, servic) would leak into explanations.
    Numbers-only and one-letter words carry no topic and are dropped.
    """
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) < 2 or not _HAS_LETTER.search(word) or word in _EN_STOP:
        return None
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("sses"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ics")):
        return word[:-1]
    return word


@lru_cache(maxsize=1)
def _dictionary() -> Dictionary:
    return Dictionary(dict="core")


def make_tokenizer(fields: set[str] | None = None, mode: str = "C"):  # type: ignore[no-untyped-def]
    """A Sudachi tokenizer (split mode ``mode``: "A", "B" or "C") loading only ``fields`` (all
    when None), on SudachiPy 0.6 or 0.7.

    0.7 renamed ``Dictionary.create`` to ``tokenizer`` and the field ``synonym_group_id`` to
    ``synonym_group_ids``; ja-ginza (whose word vectors we read) still needs 0.6, so the app's
    search index makes its tokenizer here too.
    """
    dictionary = _dictionary()
    split = {"A": SplitMode.A, "B": SplitMode.B, "C": SplitMode.C}[mode.upper()]
    if hasattr(dictionary, "tokenizer"):
        return dictionary.tokenizer(split, fields=fields)
    old = None if fields is None else {
        "synonym_group_id" if f == "synonym_group_ids" else f for f in fields
    }
    return dictionary.create(split, fields=old)


_local = threading.local()


def shared_tokenizer(fields: frozenset[str], mode: str = "C"):  # type: ignore[no-untyped-def]
    """One tokenizer per thread for (``fields``, ``mode``): Sudachi tokenizers must not be used
    by two threads at once, and the app may fit in a request thread and a rebuild thread."""
    cache = getattr(_local, "tokenizers", None)
    if cache is None:
        cache = _local.tokenizers = {}
    key = (fields, mode)
    if key not in cache:
        cache[key] = make_tokenizer(set(fields), mode)
    return cache[key]


def _chunks(text: str) -> list[str]:
    """Split text into pieces Sudachi accepts, preferring sentence boundaries."""
    if len(text) <= _CHUNK_CHARS:
        return [text]
    out: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text):
        while len(sentence) > _CHUNK_CHARS:  # one endless "sentence": hard cut
            out.append(sentence[:_CHUNK_CHARS])
            sentence = sentence[_CHUNK_CHARS:]
        if len(current) + len(sentence) > _CHUNK_CHARS:
            out.append(current)
            current = ""
        current += sentence
    if current:
        out.append(current)
    return out


class WordTokenizer:
    """Content-word tokeniser. Not thread-safe and not picklable: make one per process."""

    def __init__(self) -> None:
        self._tokenizer = make_tokenizer({"pos", "normalized_form"})
        self._keep = self._content_pos_ids(_dictionary())

    @staticmethod
    def _content_pos_ids(dictionary: Dictionary) -> frozenset[int]:
        keep: set[int] = set()
        pos_id = 0
        while (pos := dictionary.pos_of(pos_id)) is not None:
            if any(pos[: len(p)] == p for p in _KEEP_POS) and not any(
                pos[: len(p)] == p for p in _DROP_POS
            ):
                keep.add(pos_id)
            pos_id += 1
        return frozenset(keep)

    def tokens(self, text: str) -> list[str]:
        """Content words of cleaned text, in reading order (duplicates kept: they are tf)."""
        if text.isascii():  # English only: no need for the morphological analyser
            return [w for m in _LATIN.finditer(text) if (w := fold_english(m.group()))]
        out: list[str] = []
        keep, stop = self._keep, _JA_STOP
        for chunk in _chunks(text):
            for m in self._tokenizer.tokenize(chunk):
                if m.part_of_speech_id() not in keep:
                    continue
                surface = m.surface()
                if surface.isascii():  # a Latin word inside Japanese text
                    if _LATIN.fullmatch(surface) and (word := fold_english(surface)):
                        out.append(word)
                    continue
                term = m.normalized_form()
                if term in stop or (len(term) == 1 and not _is_kanji(term)):
                    continue
                out.append(term)
        return out


def _is_kanji(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"
