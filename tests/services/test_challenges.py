"""Challenge rules: ownership, states with history, deadlines, validation, search, versions."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from govtech.extensions import db
from govtech.models import Challenge, ChallengeState, User
from govtech.services import challenges, history, paging
from govtech.services.errors import ConcurrentChange, DomainError, NotFound, PermissionDenied
from tests import factories


def _user(app, role="municipality", **kw):
    record = factories.user(app, role, **kw)
    return db.session.get(User, record.id), record


@pytest.fixture
def owner(app, ctx):
    return _user(app)


def _ids(user, **filters):
    query = challenges.list_query(user, challenges.Filters(**filters))
    return None if query is None else [c.id for c in db.session.scalars(query)]


def test_transitions_write_history(app, owner):
    user, record = owner
    cid = factories.challenge(app, record, state="closed")
    events = db.session.scalars(history.events_for("challenge", cid)).all()
    assert [e.to_state for e in events] == ["draft", "open", "closed"]


def test_archived_is_final(app, owner):
    user, record = owner
    challenge = db.session.get(Challenge, factories.challenge(app, record, state="archived"))
    with pytest.raises(DomainError):
        challenges.transition(user, challenge, ChallengeState.open)


def test_other_municipality_cannot_edit(app, owner):
    _user_, record = owner
    challenge = db.session.get(Challenge, factories.challenge(app, record))
    other, _ = _user(app)
    with pytest.raises(PermissionDenied):
        challenges.update(other, challenge, expected_version=challenge.version, title="乗っ取り")
    db.session.refresh(challenge)
    assert challenge.title != "乗っ取り"


def test_drafts_are_private(app, owner):
    _u, record = owner
    cid = factories.challenge(app, record, state="draft")
    stranger, _ = _user(app, "startup")
    with pytest.raises(NotFound):
        challenges.get_visible(stranger, cid)
    with pytest.raises(NotFound):
        challenges.get_visible(None, cid)


def test_deadline_passing_stops_proposals_by_itself(app, owner, monkeypatch):
    user, record = owner
    deadline = challenges.today() + timedelta(days=3)
    challenge = db.session.get(Challenge, factories.challenge(app, record, deadline=deadline))
    assert challenges.accepts_proposals(challenge)
    monkeypatch.setattr(challenges, "today", lambda: deadline + timedelta(days=1))
    assert not challenges.accepts_proposals(challenge)


@pytest.mark.parametrize("values,field", [
    ({"deadline": "yesterday"}, "deadline"),
    ({"categories": ["not-a-category"]}, "categories"),
    ({"budget_min": -1}, "budget_min"),
    ({"budget_min": 500, "budget_max": 100}, "budget_max"),
    ({"tags": ["長" * 31]}, "tags"),
    ({"tags": [f"t{i}" for i in range(11)]}, "tags"),
])
def test_bad_values_are_refused_with_field(app, owner, values, field):
    user, _ = owner
    if values.get("deadline") == "yesterday":
        values = {"deadline": challenges.today() - timedelta(days=1)}
    with pytest.raises(DomainError) as error:
        challenges.create(user, title="課題", **values)
    assert error.value.field == field


def test_stale_version_is_refused(app, owner):
    user, record = owner
    challenge = db.session.get(Challenge, factories.challenge(app, record))
    old = challenge.version
    challenges.update(user, challenge, expected_version=old, title="一人目の編集")
    with pytest.raises(ConcurrentChange):
        challenges.update(user, challenge, expected_version=old, title="二人目の編集")
    assert challenge.title == "一人目の編集"


def test_japanese_search_finds_inside_compounds(app, owner):
    _u, record = owner
    cid = factories.challenge(app, record, title="防災アプリの導入", summary="避難情報を届けたい")
    other = factories.challenge(app, record, title="子育て支援", summary="保育園の空き情報",
                                categories=["childcare"], tags=[])
    assert _ids(None, q="防災") == [cid]
    assert _ids(None, q="アプリ") == [cid]
    assert _ids(None, q="保育園") == [other]


def test_english_search_and_variants(app, owner):
    _u, record = owner
    cid = factories.challenge(app, record, title="Emergency telework for city staff",
                              summary="Remote work during disasters", tags=["Telework"])
    assert _ids(None, q="telework") == [cid]
    assert _ids(None, q="TELEWORK") == [cid]
    assert _ids(None, q="ｔｅｌｅｗｏｒｋ") == [cid]  # full-width


def test_search_needs_every_word_and_facet(app, owner):
    """AND over a common word, a rarer one and facets, in any order; the paged total agrees.
    (PostgreSQL intersects one posting list per term, SQLite counts terms per document.)"""
    _u, record = owner
    common = [factories.challenge(app, record, title=f"行政データの活用 {i}",
                                  summary="データ連携の基盤", tags=[]) for i in range(3)]
    both = factories.challenge(app, record, title="観光データの分析", summary="観光客の動態",
                               categories=["tourism"], tags=[])
    rare_only = factories.challenge(app, record, title="観光案内の多言語化", summary="案内所",
                                    categories=["tourism"], tags=[])
    assert set(_ids(None, q="データ")) == {*common, both}
    assert _ids(None, q="観光 データ") == [both]
    assert _ids(None, q="データ 観光") == [both]
    assert _ids(None, q="観光 観光 データ") == [both]  # a repeated word is one term
    assert set(_ids(None, q="観光")) == {both, rare_only}
    assert _ids(None, q="観光", category="tourism", sort="deadline") == [rare_only, both]
    assert _ids(None, q="データ", category="tourism") == [both]
    assert _ids(None, q="データ", category="childcare") == []
    assert _ids(None, q="観光 データ 保育園") == []
    assert set(_ids(None, q="データ", prefecture="13", sort="title")) == {*common, both}


def test_page_and_total_come_from_one_statement(app, owner):
    """The total rides on the page's rows; an empty page (past the end, or no match) still
    gets the right total."""
    _u, record = owner
    made = [factories.challenge(app, record, title=f"観光データ {i}", tags=[]) for i in range(5)]
    factories.challenge(app, record, title="保育園の空き情報", categories=["childcare"], tags=[])
    query = challenges.list_query(None, challenges.Filters(q="データ"))
    pages = [paging.paginate(query, per_page=2, page=n) for n in (1, 2, 3, 4)]
    assert [p.total for p in pages] == [5, 5, 5, 5]
    assert [len(p.items) for p in pages] == [2, 2, 1, 0]
    assert [c.id for p in pages for c in p.items] == sorted(made, reverse=True)
    assert pages[0].pages == 3 and pages[0].has_next and not pages[2].has_next
    none = challenges.list_query(None, challenges.Filters(q="データ", category="childcare"))
    empty = paging.paginate(none, per_page=2)
    assert empty.total == 0 and empty.items == []


def test_search_without_words_says_so(app, owner):
    assert _ids(None, q="！？＃") is None


def test_filters(app, owner):
    _u, record = owner
    disaster = factories.challenge(app, record, budget_max=300)
    child = factories.challenge(app, record, title="子育て", categories=["childcare"], tags=[],
                                budget_max=50)
    assert _ids(None, category="childcare") == [child]
    assert _ids(None, budget=100) == [disaster]
    assert set(_ids(None, prefecture="13")) == {disaster, child}
    assert _ids(None, prefecture="01") == []


def test_public_list_has_only_open_challenges(app, owner):
    _u, record = owner
    factories.challenge(app, record, state="draft")
    factories.challenge(app, record, state="closed")
    opened = factories.challenge(app, record, state="open")
    assert _ids(None) == [opened]


def test_pending_municipality_cannot_post(app, ctx):
    pending, _ = _user(app, state="pending")
    with pytest.raises(PermissionDenied):
        challenges.create(pending, title="課題")
    assert db.session.scalar(select(Challenge)) is None


def test_a_suspended_municipalitys_challenge_accepts_nothing(app, ctx):
    """Suspending the town closes its challenges to proposals at once."""
    from govtech.models import Challenge, Organisation, OrgState
    from govtech.services import challenges as service

    town = factories.user(app, "municipality")
    challenge_id = factories.challenge(app, town)
    challenge = db.session.get(Challenge, challenge_id)
    assert service.accepts_proposals(challenge)
    db.session.get(Organisation, town.org_id).state = OrgState.suspended
    assert not service.accepts_proposals(challenge)
