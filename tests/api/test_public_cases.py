"""API case studies: published, public ones only, readable by anyone, with the page's search
and their approved KPI figures."""
from __future__ import annotations

from tests import factories


def _published_case(app, **values):
    town = factories.user(app, "municipality")
    startup = factories.user(app, "startup")
    manager = factories.user(app, "manager")
    challenge_id = factories.challenge(app, town)
    pilot_id = factories.pilot(app, manager, challenge_id, startup.org_id, stage="pilot")
    factories.kpi(app, town, pilot_id)
    case_id = factories.marketing(app, pilot_id, town, startup, manager, state="published",
                                  **values)
    return case_id, pilot_id, (town, startup, manager)


def test_anyone_lists_and_reads_published_public_case_studies(app, api, client):
    case_id, pilot_id, (town, startup, manager) = _published_case(app)
    factories.marketing(app, pilot_id, town, startup, manager, state="in_review",
                        title="審査中の事例")
    private = factories.marketing(app, pilot_id, town, startup, manager, state="published",
                                  title="非公開の事例", is_public=False)
    listed = api.get("/api/v1/cases")
    assert listed.status_code == 200
    items = listed.get_json()["items"]
    assert [item["id"] for item in items] == [case_id]
    assert items[0]["body"] is None and items[0]["startup"]["id"] == startup.org_id
    assert items[0]["kpis"] and set(items[0]["kpis"][0]) == {"name", "unit", "baseline",
                                                             "target", "actual"}
    one = api.get(f"/api/v1/cases/{case_id}")
    assert one.status_code == 200 and one.get_json()["body"].startswith("## 背景")
    assert one.headers["ETag"] == f'"{one.get_json()["version"]}"'
    assert api.get(f"/api/v1/cases/{private}").status_code == 404
    page = client.get("/cases/").get_data(as_text=True)
    assert f"/cases/{case_id}\"" in page and f"/cases/{private}\"" not in page


def test_search_and_parameters(app, api):
    case_id, _pilot, _people = _published_case(app)
    assert [i["id"] for i in api.get("/api/v1/cases?q=水位").get_json()["items"]] == [case_id]
    assert api.get("/api/v1/cases?q=存在しない言葉").get_json()["items"] == []
    bad = api.get("/api/v1/cases?limit=0")
    assert bad.status_code == 400 and bad.get_json()["errors"][0]["field"] == "limit"
    assert api.post("/api/v1/cases", json={}).status_code in (401, 405)
