"""Cursor pagination: stable order, Link headers, updated_since, tampered cursors."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from govtech.api import paging
from govtech.api.problems import Problem
from govtech.api.schemas_common import ListQuery
from govtech.extensions import db
from govtech.models import User
from tests import factories
from tests.api.conftest import make_token


def _all_pages(api, url, token):
    seen, pages = [], 0
    while url:
        response = api.get(url, token=token)
        assert response.status_code == 200
        body = response.get_json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        link = response.headers.get("Link")
        if body["next_cursor"]:
            assert link and link.endswith('>; rel="next"') and body["next_cursor"] in link
            url = link[1:link.index(">")].removeprefix("http://localhost")
        else:
            assert link is None
            url = None
    return seen, pages


def test_pages_follow_the_link_header_in_a_stable_order(app, api):
    owner = factories.user(app, "municipality")
    tokens = [make_token(app, owner, name=f"t{n}") for n in range(5)]
    factories.user(app, "startup")  # someone else's tokens are not listed
    make_token(app, factories.user(app, "startup"))
    seen, pages = _all_pages(api, "/api/v1/me/tokens?limit=2&lang=en", tokens[0])
    assert seen == sorted(token.token_id for token in tokens)
    assert pages == 3


def test_a_list_without_update_times_refuses_updated_since(app, api):
    token = make_token(app, factories.user(app, "startup"))
    response = api.get("/api/v1/me/tokens?updated_since=2026-01-01T00:00:00Z", token=token)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "updated_since"


def _page(query: ListQuery, *ids_after: int):
    stmt = select(User).where(User.id.in_(ids_after)) if ids_after else select(User)
    return paging.paginate(stmt, key=(User.updated_at, User.id), query=query)


def test_updated_since_and_cursor_on_updated_at(app):
    made = [factories.user(app, "startup").id for _ in range(3)]
    base = datetime(2026, 5, 1, tzinfo=UTC)
    with app.app_context():  # three update times, the last two equal (the id breaks the tie)
        for user_id, offset in zip(made, (0, 60, 60), strict=True):
            db.session.get(User, user_id).updated_at = base + timedelta(seconds=offset)
        db.session.commit()
    with app.test_request_context("/api/v1/x"):
        first = _page(ListQuery(limit=2), *made)
        assert [user.id for user in first.items] == made[:2]
        assert first.next_cursor
        rest = _page(ListQuery(limit=2, cursor=first.next_cursor), *made)
        assert [user.id for user in rest.items] == made[2:] and rest.next_cursor is None
        since = _page(ListQuery(updated_since=base + timedelta(seconds=30)), *made)
        assert [user.id for user in since.items] == made[1:]
        naive = ListQuery.model_validate({"updated_since": "2026-05-01T00:00:30"})
        assert naive.updated_since == base + timedelta(seconds=30)


@pytest.mark.parametrize("cursor", ["%%%", "WzFd", "bm90IGpzb24", "WyJ4IiwgMV0", "W251bGwsMV0"])
def test_tampered_cursors_are_refused(app, cursor):
    with app.test_request_context("/api/v1/x"), pytest.raises(Problem) as refused:
        _page(ListQuery(cursor=cursor))
    assert refused.value.status == 400
    assert refused.value.errors[0]["field"] == "cursor"
