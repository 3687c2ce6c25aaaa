"""Cursor pagination for API lists: stable order, opaque cursors, Link headers, updated_since.

Endpoints get a `select()` from their service (the same one the page lists, with the caller's
visibility already applied) and hand it here with the key to order by:

    page = paging.paginate(stmt, key=(Challenge.updated_at, Challenge.id), query=query)
    return paging.respond(page, [ChallengeOut.model_validate(c) for c in page.items])

The order is ascending by the key (updated_at, then id to break ties), so a client that
remembers the last `updated_at` it saw can come back with `?updated_since=` and get only what
changed. The cursor is base64url of the last row's key values; it says nothing useful to a
client and is refused (400, parameter `cursor`) when tampered with. One query per page, with
`limit + 1` rows to know whether there is a next page (no COUNT).
"""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from flask import Response, jsonify, request
from flask_babel import gettext as _
from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

from govtech.api.problems import Problem
from govtech.api.schemas_common import ListQuery
from govtech.services import keyset

T = TypeVar("T")


@dataclass
class PageResult(Generic[T]):
    items: list[T]
    next_cursor: str | None


def _encode(values: Sequence[Any]) -> str:
    plain = [value.astimezone(UTC).isoformat() if isinstance(value, datetime) and value.tzinfo
             else value.replace(tzinfo=UTC).isoformat() if isinstance(value, datetime)
             else value for value in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _bad_cursor() -> Problem:
    message = _("The cursor is not valid. Start again without it.")
    return Problem(400, "invalid_parameter", message,
                   errors=[{"field": "cursor", "message": message}])


def decode(cursor: str, key: Sequence[InstrumentedAttribute[Any]]) -> list[Any]:
    """The key values in a cursor, typed like the key's columns."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise _bad_cursor() from exc
    if not isinstance(values, list) or len(values) != len(key):
        raise _bad_cursor()
    typed: list[Any] = []
    for column, value in zip(key, values, strict=True):
        python_type = column.type.python_type
        try:
            if python_type is datetime and isinstance(value, str):
                typed.append(datetime.fromisoformat(value))
            elif (python_type is int and isinstance(value, int)
                  and not isinstance(value, bool)) or (python_type is str
                                                       and isinstance(value, str)):
                typed.append(value)
            else:
                raise ValueError(value)
        except ValueError as exc:
            raise _bad_cursor() from exc
    return typed


def paginate(stmt: Select[Any], *, key: Sequence[InstrumentedAttribute[Any]],
             query: ListQuery, updated: InstrumentedAttribute[Any] | None = None
             ) -> PageResult[Any]:
    """One page of `stmt`, ordered by `key` ascending. `updated` is the column that
    `updated_since` filters (by default the key's first column when it is a timestamp)."""
    if updated is None and key[0].type.python_type is datetime:
        updated = key[0]
    if query.updated_since is not None and updated is None:
        message = _("This list cannot be filtered by update time.")
        raise Problem(400, "invalid_parameter", message,
                      errors=[{"field": "updated_since", "message": message}])
    rows, last = keyset.page(stmt, key=key, limit=query.limit,
                             after_values=decode(query.cursor, key) if query.cursor else None,
                             updated=updated, since=query.updated_since)
    return PageResult(rows, _encode(last) if last is not None else None)


def next_link(cursor: str) -> str:
    args = request.args.copy()
    args["cursor"] = cursor
    base = request.base_url
    return f"<{base}?{urlencode(list(args.items(multi=True)))}>; rel=\"next\""


def respond(page: PageResult[Any], items: Sequence[BaseModel]) -> Response:
    """The list response: `{"items": [...], "next_cursor": …}` and a `Link` header."""
    body = {"items": [item.model_dump(mode="json") for item in items],
            "next_cursor": page.next_cursor}
    result = jsonify(body)
    if page.next_cursor:
        result.headers["Link"] = next_link(page.next_cursor)
    return result
