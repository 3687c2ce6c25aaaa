"""API pipeline lists run as many SQL statements for many items as for few (no N+1)."""
from __future__ import annotations

from tests import factories
from tests.test_query_counts import run_counted

LISTS = ("/api/v1/recommendations", "/api/v1/proposals", "/api/v1/pilots", "/api/v1/marketing")


def _count(app, api, url: str, token) -> int:
    response, statements = run_counted(app, lambda: api.get(url, token=token))
    assert response.status_code == 200, (url, response.get_json())
    return len(statements)


def _grow(app, town, manager, startup_tokens) -> None:
    """One more challenge of the town with, for each startup: a suggested pair (of another
    challenge: a pair in the pipeline is suggested no more), a proposal, a pilot with a KPI and
    a milestone, and a marketing activity."""
    challenge_id = factories.challenge(app, town.user, title="防災アプリ")
    suggested_id = factories.challenge(app, town.user, title="水道の検針")
    for startup in startup_tokens:
        factories.recommendation(app, suggested_id, startup.user.org_id, 0.3)
        factories.proposal(app, startup.user, challenge_id, pdf=True)
        pilot_id = factories.pilot(app, manager.user, challenge_id, startup.user.org_id,
                                   stage="pilot")
        factories.kpi(app, manager.user, pilot_id)
        factories.milestone(app, manager.user, pilot_id)
        factories.marketing(app, pilot_id, town.user, startup.user, manager.user,
                            state="in_review")


def test_list_statements_do_not_grow_with_items(app, api, token_for):
    town, manager = token_for("municipality"), token_for("manager")
    startups = [token_for("startup"), token_for("startup")]
    _grow(app, town, manager, startups)
    few = {(url, who): _count(app, api, url, token) for url in LISTS
           for who, token in (("town", town), ("manager", manager), ("startup", startups[0]))}
    _grow(app, town, manager, startups)
    _grow(app, town, manager, startups)
    many = {(url, who): _count(app, api, url, token) for url in LISTS
            for who, token in (("town", town), ("manager", manager), ("startup", startups[0]))}
    grown = {key: (few[key], many[key]) for key in few if many[key] > few[key]}
    assert not grown, grown
    sizes = {url: len(api.get(f"{url}?limit=100", token=town).get_json()["items"])
             for url in LISTS}
    assert sizes == {url: 6 for url in LISTS}  # what was counted were lists of items
