"""API recommendations: each role sees the pairs its page shows (the same filters and levels),
dismisses and says 関心あり as a party, and the programme office introduces and rejects."""
from __future__ import annotations

import re

import pytest

from tests import factories
from tests.html import get_page, targets


@pytest.fixture
def recs(app, token_for):
    """A town with two challenges, two startups; pairs high, medium and reference."""
    town, startup, other = token_for("municipality"), token_for("startup"), token_for("startup")
    manager = token_for("manager")
    flood = factories.challenge(app, town.user, title="防災アプリによる避難情報の配信")
    water = factories.challenge(app, town.user, title="水道メーターの自動検針")
    ids = {"high": factories.recommendation(app, flood, startup.user.org_id, 0.6),
           "medium": factories.recommendation(app, water, startup.user.org_id, 0.15),
           "reference": factories.recommendation(app, flood, other.user.org_id, 0.07)}
    return {"town": town, "startup": startup, "other": other, "manager": manager, **ids}


def _ids(api, url, token) -> set[int]:
    response = api.get(url, token=token)
    assert response.status_code == 200, response.get_json()
    return {item["id"] for item in response.get_json()["items"]}


def _page_ids(client, url) -> set[int]:
    page = get_page(client, url)
    found = {int(m.group(1)) for target in targets(page)
             if (m := re.search(r"/recommendations/(\d+)/(dismiss|reject|introduce)", target))}
    return found | {int(str(box["value"])) for box in page.select("input[name=ids]")}


@pytest.mark.parametrize("role", ["town", "startup", "other", "manager"])
def test_each_role_lists_what_its_page_lists(api, client, recs, role):
    factories.login(client, recs[role].user)
    for args in ("", "?level=high", "?q=水道"):
        page = _page_ids(client, f"/recommendations/{args}")
        shown = page - {recs["reference"]}  # the page also shows the folded ones
        assert _ids(api, f"/api/v1/recommendations{args}", recs[role]) == shown
    folded = _ids(api, "/api/v1/recommendations?level=reference", recs[role])
    assert folded == ({recs["reference"]} if role in ("town", "other", "manager") else set())


def test_read_gives_level_reason_and_no_note_to_parties(api, recs):
    body = api.get(f"/api/v1/recommendations/{recs['high']}", token=recs["startup"]).get_json()
    assert body["level"] == "high" and body["state"] == "suggested"
    assert body["challenge"]["municipality"]["id"] == recs["town"].user.org_id
    assert isinstance(body["terms"], list) and isinstance(body["reason"], str)
    assert body["manager_note"] is None
    manager_view = api.get(f"/api/v1/recommendations/{recs['high']}", token=recs["manager"])
    assert manager_view.get_json()["manager_note"] == ""
    assert api.get(f"/api/v1/recommendations/{recs['high']}",
                   token=recs["other"]).status_code == 404
    assert api.get("/api/v1/recommendations").status_code == 401


def test_party_dismisses_and_the_pair_leaves_the_list(api, recs):
    url = f"/api/v1/recommendations/{recs['medium']}/dismiss"
    assert api.post(url, token=recs["other"], json={}).status_code == 404
    done = api.post(url, token=recs["town"], json={"reason": "対象外"})
    assert done.status_code == 200 and done.get_json()["state"] == "dismissed"
    assert recs["medium"] not in _ids(api, "/api/v1/recommendations", recs["town"])


def test_interest_is_expressed_and_withdrawn_by_parties_only(api, recs):
    url = f"/api/v1/recommendations/{recs['high']}/interest"
    said = api.post(url, token=recs["startup"])
    assert said.status_code == 200
    assert said.get_json()["interest"] == {"town": False, "startup": True, "mine": True}
    assert api.post(url, token=recs["startup"]).status_code == 200  # idempotent
    seen = api.get(f"/api/v1/recommendations/{recs['high']}", token=recs["manager"])
    assert seen.get_json()["interest"]["startup"] is True
    town_view = api.get(f"/api/v1/recommendations/{recs['high']}", token=recs["town"])
    assert town_view.get_json()["interest"]["startup"] is False  # a party sees its own side
    assert api.post(url, token=recs["manager"]).status_code == 403  # the policy, as the page
    withdrawn = api.delete(url, token=recs["startup"])
    assert withdrawn.get_json()["interest"]["mine"] is False


def test_only_managers_introduce_and_reject(api, recs):
    base = f"/api/v1/recommendations/{recs['high']}"
    assert api.post(f"{base}/introduce", token=recs["town"], json={}).status_code == 403
    assert api.post(f"{base}/reject", token=recs["startup"],
                    json={"reason": "x"}).status_code == 403
    introduced = api.post(f"{base}/introduce", token=recs["manager"], json={"note": "ご紹介"})
    assert introduced.status_code == 201, introduced.get_json()
    pilot_id = introduced.get_json()["pilot_id"]
    assert introduced.headers["Location"] == f"/api/v1/pilots/{pilot_id}"
    pilot = api.get(f"/api/v1/pilots/{pilot_id}", token=recs["town"]).get_json()
    assert pilot["stage"] == "introduced"
    again = api.post(f"{base}/introduce", token=recs["manager"], json={})
    assert again.status_code == 409


def test_reject_needs_a_reason_and_if_match(api, recs):
    base = f"/api/v1/recommendations/{recs['medium']}"
    empty = api.post(f"{base}/reject", token=recs["manager"], json={"reason": ""})
    assert empty.status_code == 422 and empty.get_json()["errors"][0]["field"] == "reason"
    version = api.get(base, token=recs["manager"]).get_json()["version"]
    stale = api.post(f"{base}/reject", token=recs["manager"], json={"reason": "重複"},
                     headers={"If-Match": f'"{version + 5}"'})
    assert stale.status_code == 412
    done = api.post(f"{base}/reject", token=recs["manager"], json={"reason": "重複"},
                    headers={"If-Match": f'"{version}"'})
    assert done.status_code == 200 and done.get_json()["state"] == "rejected"


def test_bulk_introduces_and_reports_each_problem(api, recs):
    url = "/api/v1/recommendations/bulk"
    body = {"ids": [recs["high"], recs["medium"]], "action": "introduce"}
    assert api.post(url, token=recs["town"], json=body).status_code == 403
    done = api.post(url, token=recs["manager"], json=body)
    assert done.status_code == 200 and done.get_json() == {"done": 2, "problems": []}
    no_reason = api.post(url, token=recs["manager"],
                         json={"ids": [recs["reference"]], "action": "reject"})
    assert no_reason.status_code == 422
    wrong = api.post(url, token=recs["manager"], json={"ids": [], "action": "introduce"})
    assert wrong.status_code == 422 and wrong.get_json()["errors"][0]["field"] == "ids"


def test_list_pages_with_cursor_and_refuses_bad_parameters(api, recs):
    first = api.get("/api/v1/recommendations?limit=1", token=recs["manager"])
    body = first.get_json()
    assert len(body["items"]) == 1 and body["next_cursor"]
    second = api.get(f"/api/v1/recommendations?limit=1&cursor={body['next_cursor']}",
                     token=recs["manager"]).get_json()
    assert second["items"][0]["id"] != body["items"][0]["id"]
    for bad, field in (("min_score=lots", "min_score"), ("level=low", "level"),
                       ("updated_since=yesterday", "updated_since"), ("cursor=%%%", "cursor"),
                       ("colour=red", "colour")):
        response = api.get(f"/api/v1/recommendations?{bad}", token=recs["manager"])
        assert response.status_code == 400, bad
        assert response.get_json()["errors"][0]["field"] == field


def test_only_managers_keep_a_note_and_only_they_read_it(api, recs):
    url = f"/api/v1/recommendations/{recs['high']}"
    assert api.put(f"{url}/note", token=recs["town"], json={"note": "x"}).status_code == 403
    saved = api.put(f"{url}/note", token=recs["manager"], json={"note": "来週電話する"})
    assert saved.status_code == 200 and saved.get_json()["manager_note"] == "来週電話する"
    assert api.get(url, token=recs["startup"]).get_json()["manager_note"] is None
    too_long = api.put(f"{url}/note", token=recs["manager"], json={"note": "x" * 2001})
    assert too_long.status_code == 422
    assert too_long.get_json()["errors"][0]["field"] == "note"
