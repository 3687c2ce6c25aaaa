"""Terms as people wrote them: the explanation's terms are matching forms (lower-cased English
with plurals folded — "maas" → "maa", "teams" → "team" — and Sudachi normalised forms such as
見付ける for 見つける). A reader must see whole words as written in the texts, never a form
that is in neither of them, so each term is looked up again in the texts it came from.

``surface_terms(terms, text_a, text_b)`` keeps the terms found in both texts, each in the
spelling of its first occurrence in ``text_a`` (the challenge's), and drops any other: a
chip never shows a fragment ("Maa") or a word one of the two texts does not contain.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from matching.tokenize import fold_english, make_tokenizer

# Latin words as the tokeniser reads them, in their original case.
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’\-][A-Za-z0-9]+)*")
_local = threading.local()


def _tokenizer():  # type: ignore[no-untyped-def]
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        tok = _local.tokenizer = make_tokenizer({"pos", "normalized_form"})
    return tok


@lru_cache(maxsize=512)
def _latin_forms(text: str) -> dict[str, str]:
    """Folded English term → its first whole word as written ("maa" → "MaaS")."""
    forms: dict[str, str] = {}
    for match in _WORD.finditer(text):
        word = match.group()
        term = fold_english(word.lower())
        if term and term not in forms:
            forms[term] = word
    return forms


@lru_cache(maxsize=512)
def _japanese_forms(text: str) -> dict[str, str]:
    """Sudachi normalised form → its first surface in the text (見付ける → 見つける)."""
    forms: dict[str, str] = {}
    for chunk in text.splitlines():
        if not chunk.strip() or chunk.isascii():
            continue
        for morpheme in _tokenizer().tokenize(chunk[:4000]):
            surface = morpheme.surface()
            if not surface.isascii():
                forms.setdefault(morpheme.normalized_form(), surface)
    return forms


def _find(term: str, text: str) -> str | None:
    """The term's spelling in the text, or None if the text does not contain it."""
    if term.isascii():
        return _latin_forms(text).get(term)
    if term in text:
        return term
    return _japanese_forms(text).get(term)


def surface_terms(terms: Sequence[str], text_a: str, text_b: str) -> list[str]:
    """The terms found in both texts, as ``text_a`` spells them, without duplicates."""
    a = unicodedata.normalize("NFKC", text_a)
    b = unicodedata.normalize("NFKC", text_b)
    shown: list[str] = []
    for term in terms:
        in_a = _find(term, a)
        if in_a is None or _find(term, b) is None or in_a in shown:
            continue
        shown.append(in_a)
    return shown
