"""Keyset pages for the API's lists: rows after a key, in the key's ascending order.

The caller (govtech.api.paging) turns the key values into an opaque cursor; `stmt` comes from
the entity's service with the reader's visibility already applied. One query per page, with
`limit + 1` rows to tell whether there is more (no COUNT).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute

from govtech.extensions import db

Key = Sequence[InstrumentedAttribute[Any]]


def after(key: Key, values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after `values` in the key's ascending order."""
    clauses = []
    for index, column in enumerate(key):
        equal = [key[i] == values[i] for i in range(index)]
        clauses.append(and_(*equal, column > values[index]))
    return or_(*clauses)


def page(stmt: Select[Any], *, key: Key, after_values: Sequence[Any] | None, limit: int,
         updated: InstrumentedAttribute[Any] | None = None, since: datetime | None = None
         ) -> tuple[list[Any], list[Any] | None]:
    """Up to `limit` rows and, when there are more, the key values of the last one."""
    if since is not None and updated is not None:
        stmt = stmt.where(updated >= since)
    if after_values is not None:
        stmt = stmt.where(after(key, after_values))
    stmt = stmt.order_by(None).order_by(*key).limit(limit + 1)
    rows = list(db.session.scalars(stmt).unique())
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, [getattr(rows[-1], column.key) for column in key]
