"""How strong a new password is, judged offline by zxcvbn (no outside request).

A password is accepted when zxcvbn scores it 3 or more (of 4) and it is not built from the
user's own e-mail address, name or organisation name (given to zxcvbn as `user_inputs`, and
checked directly for any of their words of four letters or more). zxcvbn explains a weak
password in English; the page must speak the user's language, so its common warnings are
mapped to our own translated messages (`_WARNINGS`), with a general message for the rest:
no untranslated English ever reaches a Japanese page.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

MIN_LENGTH = 10
MAX_LENGTH = 200
MIN_SCORE = 3
_WORD = re.compile(r"[^\W_]{4,}", re.UNICODE)

# zxcvbn's warning texts (its English originals) -> our translated messages.
_WARNINGS = {
    "This is a top-10 common password.": _l("This is one of the most common passwords."),
    "This is a top-100 common password.": _l("This is one of the most common passwords."),
    "This is a very common password.": _l("This is a very common password."),
    "This is similar to a commonly used password.":
        _l("This is similar to a commonly used password."),
    "Straight rows of keys are easy to guess.":
        _l("Rows of keys on the keyboard are easy to guess."),
    "Short keyboard patterns are easy to guess.":
        _l("Keyboard patterns are easy to guess."),
    'Repeats like "aaa" are easy to guess.': _l("Repeated characters are easy to guess."),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".':
        _l("Repeated characters are easy to guess."),
    'Sequences like "abc" or "6543" are easy to guess.':
        _l("Sequences such as abc or 6543 are easy to guess."),
    "Recent years are easy to guess.": _l("Recent years are easy to guess."),
    "Dates are often easy to guess.": _l("Dates are easy to guess."),
    "A word by itself is easy to guess.": _l("A single word is easy to guess."),
    "Names and surnames by themselves are easy to guess.": _l("Names are easy to guess."),
    "Common names and surnames are easy to guess.": _l("Names are easy to guess."),
}


def personal_words(*values: str | None) -> list[str]:
    """The user's own words: each value whole, and its words of four letters or more (an
    e-mail address gives its local part and domain words too)."""
    words: list[str] = []
    for value in values:
        text = (value or "").strip().lower()
        if not text:
            continue
        words.append(text)
        words.extend(_WORD.findall(text))
    return list(dict.fromkeys(words))


def _uses_personal(password: str, words: Iterable[str]) -> bool:
    lowered = password.lower()
    return any(len(word) >= 4 and word in lowered for word in words)


def problem(password: str, *personal: str | None) -> str | None:
    """Why `password` is refused, translated, or None when it is strong enough. `personal`:
    the user's e-mail address, name and organisation name (any of them may be empty)."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(n)d characters.", n=MAX_LENGTH)
    words = personal_words(*personal)
    if _uses_personal(password, words):
        return _("Do not build the password from your e-mail address, name or organisation "
                 "name.")
    result = zxcvbn(password, user_inputs=words)
    if result["score"] >= MIN_SCORE:
        return None
    if any(match.get("dictionary_name") == "user_inputs" for match in result["sequence"]):
        return _("Do not build the password from your e-mail address, name or organisation "
                 "name.")
    warning = _WARNINGS.get(result["feedback"].get("warning") or "")
    reason = str(warning) if warning else _("This password is too easy to guess.")
    return _("%(reason)s Add a few more uncommon words, or make it longer.", reason=reason)
