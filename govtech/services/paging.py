"""A page of results and their total from one statement, for lists that search.

Flask-SQLAlchemy's `db.paginate` runs the query twice: once for the page, once in a COUNT.
For a search both runs do the same work (find every matching id, then fetch and filter every
matching row: the sort needs them all, and so does the count). Here one statement does it
once: an inner query numbers the matching rows with `count(*) OVER ()` and keeps the page's
ids, carrying only the id and the sort key (a window over whole rows makes SQLite buffer
every row, slower than the second query it saves), and the outer query loads those rows.

A list without any filter is the other way round: the window must number every row of the
whole table (sorting it all) before it can keep a page, while a plain LIMIT reads only the
page's rows in the sort order and a separate COUNT reads nothing but an index. So `paginate`
takes `together=False` for those, and the page and its total are two cheap statements.
"""
from __future__ import annotations

from typing import Any

from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select, func, inspect

from govtech.extensions import db

Pagination = SelectPagination  # what a list page gets: its items, page numbers and total


class CountedPagination(SelectPagination):
    """SelectPagination whose total comes with the page's rows, for a select of one entity.

    A page past the end has no row to carry the total; only then is it counted apart."""

    _total: int | None = None

    def _query_items(self) -> list[Any]:
        select = self._query_args["select"]
        (key,) = inspect(select.column_descriptions[0]["entity"]).primary_key
        page = (select.with_only_columns(key.label("id"), func.count().over().label("total"))
                .limit(self.per_page).offset(self._query_offset).subquery())
        # The outer query keeps the select's joins, loader options, filters and order; its
        # filters pass the same rows again, and only the page's rows reach them.
        rows = self._query_args["session"].execute(
            select.join(page, key == page.c.id).add_columns(page.c.total)).unique().all()
        self._total = rows[0][-1] if rows else None
        return [row[0] for row in rows]

    def _query_count(self) -> int:
        if self._total is not None:
            return self._total
        return 0 if self.page == 1 else super()._query_count()


def paginate(select: Select[Any], *, per_page: int, page: int | None = None,
             error_out: bool = False, together: bool = True) -> Pagination:
    """Like `db.paginate` (the page number from the request unless given); the page and its
    total from one statement unless `together` is False (see above)."""
    kind = CountedPagination if together else SelectPagination
    return kind(select=select, session=db.session(), page=page, per_page=per_page,
                error_out=error_out)
