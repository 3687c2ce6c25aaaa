"""Text clean-up that runs before any tokeniser sees the text.

Why a separate step: every consumer (the word tokeniser, the character n-grams, the baselines)
must see the same text, so that ＤＸ and DX, ｶﾅ and カナ, or a tag and its HTML-escaped form
cannot end up as different features depending on the path they took.
"""

from __future__ import annotations

import html
import re
import unicodedata

#: Characters kept per field. A challenge or capability is a few thousand characters at most;
#: anything beyond this is pasted noise (logs, whole PDFs) that would only slow the tokeniser
#: down and drown the real text in rare terms. The cut is silent and deterministic.
MAX_FIELD_CHARS = 20_000

_SCRIPT_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,500}>")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\"'）」]+", re.IGNORECASE)
_MD_LINK = re.compile(r"!?\[([^\]]{0,500})\]\([^)]{0,1000}\)")
_SPACE = re.compile(r"\s+")


def clean_text(text: str | None, max_chars: int = MAX_FIELD_CHARS) -> str:
    """Return NFKC-normalised, lower-cased plain text without markup, URLs or runs of spaces.

    NFKC folds full/half-width forms (ＤＸ→DX, ｶﾅ→カナ); lower-casing makes English case-blind
    (Japanese has no case, and SudachiPy's normalised forms handle its spelling variants).
    HTML inside Markdown is stripped *before* NFKC so that full-width brackets can never be
    mistaken for tags. The input is cut before any regex runs, so a 1 MB paste stays cheap.
    """
    if not text:
        return ""
    text = text[: max_chars * 2]  # raw cut first: entity decoding and tags can only shrink it
    text = _SCRIPT_STYLE.sub(" ", text)
    text = _COMMENT.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    text = _MD_LINK.sub(r"\1", text)
    text = _URL.sub(" ", text)
    text = unicodedata.normalize("NFKC", text).lower()
    text = _SPACE.sub(" ", text).strip()
    return text[:max_chars]
