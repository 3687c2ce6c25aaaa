"""The search box of lists that have no search index: a few words, each found in some column.

Each word must appear (AND) in at least one of the given columns (OR), as a literal substring:
`%` and `_` typed by the user are escaped, case is ignored. Lists with a search index
(challenges, startups) use `govtech.services.search` instead.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, or_, true

MAX_WORDS = 5


def words_match(q: str | None, *columns: Any) -> ColumnElement[bool]:
    """A WHERE clause for up to MAX_WORDS words of `q` over `columns`; true when `q` is blank."""
    words = (q or "").split()[:MAX_WORDS]
    if not words:
        return true()
    return and_(*(or_(*(column.icontains(word, autoescape=True) for column in columns))
                  for word in words))
