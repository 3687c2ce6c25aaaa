"""API marketing: the pair's parties and managers list, read, create, edit, submit, approve (three
sides), publish and cancel, as the activity's page allows each side."""
from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def pair(app, token_for):
    town, startup = token_for("municipality"), token_for("startup")
    manager, outsider = token_for("manager"), token_for("municipality")
    challenge_id = factories.challenge(app, town.user)
    pilot_id = factories.pilot(app, manager.user, challenge_id, startup.user.org_id,
                               stage="pilot")
    return {"town": town, "startup": startup, "manager": manager, "outsider": outsider,
            "pilot_id": pilot_id}


def _activity(app, pair, state="planned", **values) -> int:
    return factories.marketing(app, pair["pilot_id"], pair["town"].user, pair["startup"].user,
                               pair["manager"].user, state=state, **values)


def test_create_and_read_by_the_parties(api, pair):
    url = f"/api/v1/pilots/{pair['pilot_id']}/marketing"
    created = api.post(url, token=pair["startup"],
                       json={"kind": "press_release", "title": "共同プレスリリース",
                             "planned_date": "2027-01-15"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["state"] == "planned" and body["my_side"] == "startup"
    assert [a["approved"] for a in body["approvals"]] == [False, False, False]
    assert created.headers["Location"] == f"/api/v1/marketing/{body['id']}"
    read = api.get(f"/api/v1/marketing/{body['id']}", token=pair["town"])
    assert read.status_code == 200 and read.get_json()["planned_date"] == "2027-01-15"
    assert api.get(f"/api/v1/marketing/{body['id']}", token=pair["outsider"]).status_code == 404
    assert api.post(url, token=pair["outsider"],
                    json={"kind": "article", "title": "x"}).status_code == 404
    bad = api.post(url, token=pair["town"], json={"kind": "poster", "title": "x"})
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "kind"


def test_list_per_role_with_filters_and_paging(api, app, pair):
    first = _activity(app, pair, title="事例記事")
    second = _activity(app, pair, state="drafting", kind="article", title="寄稿")

    def ids(who, args=""):
        response = api.get(f"/api/v1/marketing{args}", token=pair[who])
        assert response.status_code == 200, response.get_json()
        return [item["id"] for item in response.get_json()["items"]]

    assert set(ids("town")) == set(ids("startup")) == {first, second}
    assert {first, second} <= set(ids("manager")) and ids("outsider") == []
    assert ids("town", "?state=drafting") == [second]
    assert ids("town", "?kind=case_study") == [first]
    assert ids("town", "?q=寄稿") == [second]
    page = api.get("/api/v1/marketing?limit=1", token=pair["town"]).get_json()
    rest = api.get(f"/api/v1/marketing?limit=1&cursor={page['next_cursor']}",
                   token=pair["town"]).get_json()
    assert {page["items"][0]["id"], rest["items"][0]["id"]} == {first, second}
    bad = api.get("/api/v1/marketing?state=lost", token=pair["town"])
    assert bad.status_code == 400 and bad.get_json()["errors"][0]["field"] == "state"


def test_three_sides_approve_then_publish(api, app, pair):
    activity_id = _activity(app, pair, state="in_review")
    url = f"/api/v1/marketing/{activity_id}"
    for who in ("town", "startup"):
        done = api.post(f"{url}/approve", token=pair[who])
        assert done.status_code == 200 and done.get_json()["state"] == "in_review"
    twice = api.post(f"{url}/approve", token=pair["town"])
    assert twice.status_code == 422  # its side has already approved
    version = api.get(url, token=pair["manager"]).get_json()["version"]
    stale = api.post(f"{url}/approve", token=pair["manager"],
                     headers={"If-Match": f'"{version - 1}"'})
    assert stale.status_code == 412
    approved = api.post(f"{url}/approve", token=pair["manager"],
                        headers={"If-Match": f'"{version}"'})
    assert approved.get_json()["state"] == "approved"
    assert all(a["approved"] for a in approved.get_json()["approvals"])
    published = api.post(f"{url}/state", token=pair["town"], json={"state": "published"})
    assert published.status_code == 200, published.get_json()
    assert published.get_json()["published_at"] is not None
    assert api.patch(url, token=pair["town"], json={"title": "x"}).status_code == 422


def test_edit_clears_approvals_and_honours_if_match(api, app, pair):
    activity_id = _activity(app, pair, state="in_review")
    url = f"/api/v1/marketing/{activity_id}"
    api.post(f"{url}/approve", token=pair["town"])
    version = api.get(url, token=pair["startup"]).get_json()["version"]
    edited = api.patch(url, token=pair["startup"], json={"title": "新しい題名"},
                       headers={"If-Match": f'"{version}"'})
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["title"] == "新しい題名"
    assert not any(a["approved"] for a in edited.get_json()["approvals"])
    stale = api.patch(url, token=pair["startup"], json={"title": "古い"},
                      headers={"If-Match": f'"{version}"'})
    assert stale.status_code == 412
    empty = api.patch(url, token=pair["startup"], json={"title": ""})
    assert empty.status_code == 422 and empty.get_json()["errors"][0]["field"] == "title"


def test_send_back_needs_a_note_and_cancel(api, app, pair):
    activity_id = _activity(app, pair, state="in_review")
    url = f"/api/v1/marketing/{activity_id}/state"
    no_note = api.post(url, token=pair["manager"], json={"state": "drafting"})
    assert no_note.status_code == 422 and no_note.get_json()["errors"][0]["field"] == "note"
    back = api.post(url, token=pair["manager"], json={"state": "drafting", "note": "数字を確認"})
    assert back.get_json()["state"] == "drafting"
    assert api.post(url, token=pair["outsider"], json={"state": "cancelled"}).status_code == 404
    cancelled = api.post(url, token=pair["startup"], json={"state": "cancelled"})
    assert cancelled.get_json()["state"] == "cancelled"
    assert cancelled.get_json()["allowed_states"] == []
    again = api.post(url, token=pair["startup"], json={"state": "in_review"})
    assert again.status_code == 409


def test_anonymous_and_read_only_tokens(api, app, pair):
    from tests.api.conftest import make_token

    activity_id = _activity(app, pair, state="in_review")
    assert api.get(f"/api/v1/marketing/{activity_id}").status_code == 401
    reader = make_token(app, pair["town"].user, scopes=("read",))
    assert api.get(f"/api/v1/marketing/{activity_id}", token=reader).status_code == 200
    refused = api.post(f"/api/v1/marketing/{activity_id}/approve", token=reader)
    assert refused.status_code == 403 and refused.get_json()["code"] == "insufficient_scope"


def test_changed_figures_go_back_to_the_three_sides(api, app, pair):
    factories.kpi(app, pair["town"].user, pair["pilot_id"], actual=70.0)
    activity_id = _activity(app, pair, state="approved")
    url = f"/api/v1/marketing/{activity_id}/refresh-figures"
    unchanged = api.post(url, token=pair["town"])
    assert unchanged.status_code == 422  # the figures have not changed
    kpi_id = api.get(f"/api/v1/pilots/{pair['pilot_id']}/kpis",
                     token=pair["town"]).get_json()["items"][0]["id"]
    api.patch(f"/api/v1/pilots/{pair['pilot_id']}/kpis/{kpi_id}", token=pair["town"],
              json={"actual": 86.0})
    assert api.post(url, token=pair["outsider"]).status_code == 404
    asked = api.post(url, token=pair["startup"])
    assert asked.status_code == 200, asked.get_json()
    assert asked.get_json()["state"] == "in_review"
    assert not any(a["approved"] for a in asked.get_json()["approvals"])
