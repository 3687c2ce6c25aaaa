"""API challenges: the page's list and filters, read, create, edit (If-Match), state changes,
and the public summary for anonymous callers."""
from __future__ import annotations

from datetime import date, timedelta

from tests import factories
from tests.api.conftest import make_token


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.get_json()["items"]]


def test_anonymous_lists_open_challenges_with_public_fields_only(app, api):
    town = factories.user(app, "municipality")
    shown = factories.challenge(app, town, budget_min=100, budget_max=300)
    factories.challenge(app, town, state="draft", title="下書きの課題")
    factories.challenge(app, town, state="closed", title="締め切った課題")
    response = api.get("/api/v1/challenges")
    assert _ids(response) == [shown]
    item = response.get_json()["items"][0]
    assert item["full"] is False and item["budget_min"] is None and item["tags"] is None
    assert item["summary"] == "災害時の情報伝達を改善したい。" and item["state"] == "open"
    assert isinstance(item["version"], int) and item["updated_at"]
    one = api.get(f"/api/v1/challenges/{shown}")
    assert one.status_code == 200 and one.get_json()["description"] is None
    assert one.headers["ETag"] == f'"{one.get_json()["version"]}"'


def test_member_reads_details_and_the_page_filters_apply(app, api, token_for):
    town = token_for("municipality")
    startup = token_for("startup")
    disaster = factories.challenge(app, town.user, budget_min=100, budget_max=300)
    factories.challenge(app, town.user, title="子育て支援の窓口", categories=["childcare"],
                        summary="窓口の混雑を減らしたい。")
    draft = factories.challenge(app, town.user, state="draft", title="下書き")
    one = api.get(f"/api/v1/challenges/{disaster}", token=startup).get_json()
    assert one["full"] is True and one["budget_max"] == 300
    assert one["description"].startswith("## 背景") and one["can_edit"] is False
    assert _ids(api.get("/api/v1/challenges?category=disaster", token=startup)) == [disaster]
    assert _ids(api.get("/api/v1/challenges?budget=200", token=startup)) == [disaster]
    assert draft not in _ids(api.get("/api/v1/challenges", token=startup))
    assert _ids(api.get("/api/v1/challenges?state=draft&mine=true", token=town)) == [draft]
    # a startup never sees another town's draft, even asking for drafts
    assert _ids(api.get("/api/v1/challenges?state=draft", token=startup)) == []
    assert api.get(f"/api/v1/challenges/{draft}", token=startup).status_code == 404


def test_the_list_equals_the_page_for_the_same_filters(app, api, client, token_for):
    town = token_for("municipality")
    ids = [factories.challenge(app, town.user, title=f"防災の課題 {n}") for n in range(3)]
    factories.challenge(app, town.user, title="観光の課題", categories=["tourism"],
                        summary="観光客を増やしたい。")
    api_ids = set(_ids(api.get("/api/v1/challenges?q=防災&limit=100")))
    page = client.get("/challenges/?q=防災").get_data(as_text=True)
    assert api_ids == set(ids)
    for challenge_id in ids:
        assert f"/challenges/{challenge_id}\"" in page


def test_bad_filters_are_400_naming_the_parameter(app, api):
    for query, field in (("category=nothing", "category"), ("prefecture=99", "prefecture"),
                         ("state=lost", "state"), ("budget=-1", "budget"),
                         ("updated_since=yesterday", "updated_since"), ("colour=red", "colour")):
        response = api.get(f"/api/v1/challenges?{query}")
        assert response.status_code == 400, query
        assert response.mimetype == "application/problem+json"
        assert [e["field"] for e in response.get_json()["errors"]] == [field], query


def test_cursor_pages_and_updated_since(app, api):
    town = factories.user(app, "municipality")
    ids = [factories.challenge(app, town, title=f"課題 {n}") for n in range(5)]
    first = api.get("/api/v1/challenges?limit=2")
    assert _ids(first) == ids[:2] and 'rel="next"' in first.headers["Link"]
    cursor = first.get_json()["next_cursor"]
    second = api.get(f"/api/v1/challenges?limit=2&cursor={cursor}")
    assert _ids(second) == ids[2:4]
    last = api.get(f"/api/v1/challenges?limit=2&cursor={second.get_json()['next_cursor']}")
    assert _ids(last) == ids[4:] and last.get_json()["next_cursor"] is None
    since = first.get_json()["items"][1]["updated_at"]
    assert _ids(api.get(f"/api/v1/challenges?updated_since={since}".replace("+", "%2B"))) \
        == ids[1:]


def test_create_edit_and_state_as_the_pages(app, api, token_for):
    town = token_for("municipality")
    body = {"title": "窓口DX", "summary": "待ち時間を減らす。", "categories": ["online_procedures"],
            "budget_min": 50, "deadline": (date.today() + timedelta(days=30)).isoformat()}
    created = api.post("/api/v1/challenges", token=town, json=body)
    assert created.status_code == 201, created.get_data(as_text=True)
    challenge = created.get_json()
    assert challenge["state"] == "draft" and challenge["allowed_states"] == ["archived", "open"]
    assert created.headers["Location"].endswith(f"/api/v1/challenges/{challenge['id']}")
    url = f"/api/v1/challenges/{challenge['id']}"
    edited = api.patch(url, token=town, json={"title": "窓口DX（改）"},
                       headers={"If-Match": f'"{challenge["version"]}"'})
    assert edited.status_code == 200 and edited.get_json()["title"] == "窓口DX（改）"
    assert edited.get_json()["summary"] == "待ち時間を減らす。"
    stale = api.patch(url, token=town, json={"title": "古い版"},
                      headers={"If-Match": f'"{challenge["version"]}"'})
    assert stale.status_code == 412 and stale.get_json()["code"] == "precondition_failed"
    opened = api.post(f"{url}/state", token=town, json={"state": "open"})
    assert opened.status_code == 200 and opened.get_json()["state"] == "open"
    again = api.post(f"{url}/state", token=town, json={"state": "archived"})
    assert again.status_code == 409
    assert api.get(url).get_json()["title"] == "窓口DX（改）"  # now public


def test_validation_problems_name_the_field(app, api, token_for):
    town = token_for("municipality")
    for body, field in (({"title": ""}, "title"), ({"title": "x", "budget_min": "3"},
                                                   "budget_min"),
                        ({"title": "x", "colour": 1}, "colour"),
                        ({"title": "x", "categories": ["nothing"]}, "categories"),
                        ({"title": "x", "budget_min": 5, "budget_max": 1}, "budget_max"),
                        ({"title": "x", "deadline": "2001-01-01"}, "deadline")):
        response = api.post("/api/v1/challenges", token=town, json=body)
        assert response.status_code == 422, body
        assert [e["field"] for e in response.get_json()["errors"]] == [field], body
    challenge_id = factories.challenge(app, town.user)
    null_title = api.patch(f"/api/v1/challenges/{challenge_id}", token=town,
                           json={"title": None})
    assert null_title.status_code == 422 and null_title.get_json()["errors"][0]["field"] \
        == "title"


def test_who_may_write_is_the_pages_rule(app, api, token_for):
    town = token_for("municipality")
    other_town = token_for("municipality")
    startup = token_for("startup")
    manager = token_for("manager")
    challenge_id = factories.challenge(app, town.user)
    url = f"/api/v1/challenges/{challenge_id}"
    assert api.post("/api/v1/challenges", token=startup, json={"title": "x"}).status_code == 403
    assert api.post("/api/v1/challenges", json={"title": "x"}).status_code == 401
    assert api.patch(url, token=other_town, json={"title": "x"}).status_code == 403
    assert api.patch(url, token=startup, json={"title": "x"}).status_code == 403
    assert api.patch(url, token=manager, json={"title": "事務局が直した"}).status_code == 200
    assert api.post(f"{url}/state", token=other_town, json={"state": "closed"}).status_code \
        == 403
    read_only = make_token(app, town.user, scopes=("read",))
    refused = api.patch(url, token=read_only, json={"title": "x"})
    assert refused.status_code == 403 and refused.get_json()["code"] == "insufficient_scope"
    pending = token_for("municipality", state="pending")
    assert api.post("/api/v1/challenges", token=pending, json={"title": "x"}).status_code == 403
