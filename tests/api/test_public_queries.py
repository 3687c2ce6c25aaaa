"""api-public's lists run as many SQL statements for many items as for few (no N+1)."""
from __future__ import annotations

from tests import factories
from tests.test_query_counts import run_counted

LISTS = ("/api/v1/challenges", "/api/v1/startups", "/api/v1/cases", "/api/v1/notifications")


def _count(app, api, url: str, token) -> int:
    response, statements = run_counted(app, lambda: api.get(url, token=token))
    assert response.status_code == 200, (url, response.get_json())
    return len(statements)


def _grow(app, town, startup, manager) -> None:
    """One more open challenge, a startup with a capability, a published case study, and a
    notification for each reader."""
    challenge_id = factories.challenge(app, town.user)
    other = factories.user(app, "startup")
    factories.capability(app, other)
    pilot_id = factories.pilot(app, manager.user, challenge_id, other.org_id, stage="pilot")
    factories.kpi(app, town.user, pilot_id)
    factories.marketing(app, pilot_id, town.user, other, manager.user, state="published")
    for reader in (town, startup, manager):
        factories.notification(app, reader.user, url=f"/challenges/{challenge_id}")


def test_list_statements_do_not_grow_with_items(app, api, token_for):
    town, startup, manager = token_for("municipality"), token_for("startup"), token_for("manager")
    readers = {"town": town, "startup": startup, "manager": manager}
    _grow(app, town, startup, manager)
    few = {(url, who): _count(app, api, url, token) for url in LISTS
           for who, token in readers.items()}
    _grow(app, town, startup, manager)
    _grow(app, town, startup, manager)
    many = {(url, who): _count(app, api, url, token) for url in LISTS
            for who, token in readers.items()}
    grown = {key: (few[key], many[key]) for key in few if many[key] > few[key]}
    assert not grown, grown
    assert len(api.get("/api/v1/challenges", token=town).get_json()["items"]) == 3
    assert len(api.get("/api/v1/cases").get_json()["items"]) == 3
