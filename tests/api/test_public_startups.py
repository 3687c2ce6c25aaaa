"""API startups and capabilities: the directory as the page, profile edits and capability
writes by the startup's members (and managers), If-Match, validation naming the field."""
from __future__ import annotations

from tests import factories


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.get_json()["items"]]


def test_directory_is_for_members_with_the_pages_filters(app, api, client, token_for):
    startup = token_for("startup")
    other = token_for("startup")
    factories.capability(app, startup.user, regions=["27"])
    factories.capability(app, other.user, title="観光アプリ", categories=["tourism"],
                         description="観光客向けの案内", tags=["観光"], regions=["01"])
    pending = token_for("startup", state="pending")
    town = token_for("municipality")
    assert api.get("/api/v1/startups").status_code == 401
    assert api.get("/api/v1/startups", token=pending).status_code == 403
    everyone = _ids(api.get("/api/v1/startups", token=town))
    assert set(everyone) == {startup.user.org_id, other.user.org_id}
    assert _ids(api.get("/api/v1/startups?category=tourism", token=town)) == [other.user.org_id]
    assert _ids(api.get("/api/v1/startups?prefecture=27", token=town)) == [startup.user.org_id]
    factories.login(client, town.user)
    page = client.get("/startups/?category=tourism").get_data(as_text=True)
    assert f"/startups/{other.user.org_id}\"" in page
    assert f"/startups/{startup.user.org_id}\"" not in page
    bad = api.get("/api/v1/startups?category=nothing", token=town)
    assert bad.status_code == 400 and bad.get_json()["errors"][0]["field"] == "category"


def test_read_a_startup_with_its_capabilities(app, api, token_for):
    startup = token_for("startup")
    capability_id = factories.capability(app, startup.user)
    town = token_for("municipality")
    org = startup.user.org_id
    one = api.get(f"/api/v1/startups/{org}", token=town)
    assert one.status_code == 200 and one.headers["ETag"]
    body = one.get_json()
    assert body["can_edit"] is False and body["capabilities"][0]["id"] == capability_id
    assert body["capabilities"][0]["track_record"][0]["town"] == "由利本荘市"
    assert _ids(api.get(f"/api/v1/startups/{org}/capabilities", token=town)) == [capability_id]
    assert api.get(f"/api/v1/startups/{org}/capabilities/{capability_id}",
                   token=town).get_json()["title"] == "避難所混雑マップ"
    assert api.get(f"/api/v1/startups/{town.user.org_id}", token=town).status_code == 404
    assert api.get(f"/api/v1/startups/{org}/capabilities/{capability_id + 99}",
                   token=town).status_code == 404


def test_profile_edit_with_if_match(app, api, token_for):
    startup = token_for("startup")
    url = f"/api/v1/startups/{startup.user.org_id}"
    version = api.get(url, token=startup).get_json()["version"]
    saved = api.patch(url, token=startup, json={"employees": 30, "regions_served": ["13"]},
                      headers={"If-Match": f'"{version}"'})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert saved.get_json()["employees"] == 30 and saved.get_json()["version"] == version + 1
    stale = api.patch(url, token=startup, json={"employees": 31},
                      headers={"If-Match": f'"{version}"'})
    assert stale.status_code == 412
    year = api.patch(url, token=startup, json={"founded_year": 1700})
    assert year.status_code == 422 and year.get_json()["errors"][0]["field"] == "founded_year"
    region = api.patch(url, token=startup, json={"regions_served": ["mars"]})
    assert region.status_code == 422 and region.get_json()["errors"][0]["field"] \
        == "regions_served"
    assert api.patch(url, token=token_for("startup"), json={"employees": 1}).status_code == 403
    assert api.patch(url, token=token_for("municipality"), json={"employees": 1}).status_code \
        == 403
    assert api.patch(url, token=token_for("manager"), json={"employees": 2}).status_code == 200


def test_capabilities_add_edit_delete(app, api, token_for):
    startup = token_for("startup")
    org = startup.user.org_id
    base = f"/api/v1/startups/{org}/capabilities"
    created = api.post(base, token=startup, json={
        "title": "窓口予約", "categories": ["online_procedures"],
        "track_record": [{"town": "由利本荘市", "year": 2023}], "regions": ["all"]})
    assert created.status_code == 201, created.get_data(as_text=True)
    capability = created.get_json()
    url = f"{base}/{capability['id']}"
    assert created.headers["Location"].endswith(url)
    edited = api.patch(url, token=startup, json={"tags": ["予約"]},
                       headers={"If-Match": f'"{capability["version"]}"'})
    assert edited.status_code == 200 and edited.get_json()["tags"] == ["予約"]
    assert edited.get_json()["title"] == "窓口予約"
    stale = api.delete(url, token=startup, headers={"If-Match": f'"{capability["version"]}"'})
    assert stale.status_code == 412
    bad_year = api.post(base, token=startup, json={
        "title": "x", "track_record": [{"town": "町", "year": 1900}]})
    assert bad_year.status_code == 422
    assert bad_year.get_json()["errors"][0]["field"] == "track_record"
    assert api.post(base, token=startup, json={"title": "x", "size": 3}).status_code == 422
    other = token_for("startup")
    assert api.delete(url, token=other).status_code == 403
    assert api.post(base, token=other, json={"title": "x"}).status_code == 403
    assert api.delete(f"/api/v1/startups/{other.user.org_id}/capabilities/{capability['id']}",
                      token=other).status_code in (403, 404)
    assert api.delete(url, token=startup).status_code == 204
    assert _ids(api.get(base, token=startup)) == []
