"""API dashboard: the page's figures for the caller's scope and period, the tables as the CSV."""
from __future__ import annotations

import csv
import io

from tests import factories


def _pair(app):
    town = factories.user(app, "municipality")
    startup = factories.user(app, "startup")
    manager = factories.user(app, "manager")
    challenge_id = factories.challenge(app, town)
    factories.pilot(app, manager, challenge_id, startup.org_id, stage="pilot")
    return town, startup, manager


def test_scope_follows_the_role(app, api, token_for):
    town, startup, _manager = _pair(app)
    from tests.api.conftest import make_token
    manager = token_for("manager")
    whole = api.get("/api/v1/dashboard?period=all", token=manager)
    assert whole.status_code == 200, whole.get_data(as_text=True)
    body = whole.get_json()
    assert body["scope"] == {"kind": "programme", "organisation_id": None}
    assert body["summary"]["pairs"] == 1 and body["movements"]["new_pairs"] == 1
    assert {t["key"] for t in body["tables"]} >= {"funnel", "stages", "moves"}
    own = api.get("/api/v1/dashboard?period=all", token=make_token(app, town))
    assert own.get_json()["scope"] == {"kind": "municipality", "organisation_id": town.org_id}
    assert own.get_json()["movements"] is None and own.get_json()["summary"]["pairs"] == 1
    other = api.get("/api/v1/dashboard?period=all", token=token_for("startup"))
    assert other.get_json()["summary"]["pairs"] == 0
    assert api.get("/api/v1/dashboard").status_code == 401
    assert api.get("/api/v1/dashboard", token=token_for("startup", state="pending")) \
        .status_code == 403
    bad = api.get("/api/v1/dashboard?period=decade", token=manager)
    assert bad.status_code == 400 and bad.get_json()["errors"][0]["field"] == "period"
    assert body["period"]["key"] == "all" and body["version"] > 0


def test_a_table_has_the_csv_rows(app, api, client, token_for):
    _town, _startup, manager_record = _pair(app)
    from tests.api.conftest import make_token
    manager = make_token(app, manager_record)
    table = api.get("/api/v1/dashboard/tables/stages?period=all", token=manager)
    assert table.status_code == 200
    rows = table.get_json()["rows"]
    factories.login(client, manager_record)
    exported = client.get("/dashboard/export/stages.csv?period=all").get_data(as_text=True)
    csv_rows = list(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))[1:]
    assert [[str(v) for v in row] for row in rows] == csv_rows
    assert api.get("/api/v1/dashboard/tables/nothing", token=manager).status_code == 404
