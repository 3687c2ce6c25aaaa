"""API pilots: the board list, one pair with its next step, moves (If-Match), report, KPIs and
milestones, for every role as the pair's page allows."""
from __future__ import annotations

import pytest

from tests import factories, walk


@pytest.fixture
def pair(app, token_for):
    """A pair at `meeting`: its town, its startup, an outsider startup and a manager."""
    town, startup = token_for("municipality"), token_for("startup")
    manager, outsider = token_for("manager"), token_for("startup")
    challenge_id = factories.challenge(app, town.user)
    pilot_id = factories.pilot(app, manager.user, challenge_id, startup.user.org_id,
                               stage="meeting")
    walk.fill_stage(app, manager.user, pilot_id)  # the meeting notes: the pair may move on
    return {"town": town, "startup": startup, "manager": manager, "outsider": outsider,
            "challenge_id": challenge_id, "pilot_id": pilot_id}


def test_list_shows_own_pairs_for_parties_and_all_for_managers(api, app, pair, token_for):
    other_town = token_for("municipality")
    other_id = factories.pilot(app, pair["manager"].user,
                               factories.challenge(app, other_town.user, title="別の課題"),
                               pair["outsider"].user.org_id)
    seen = {who: {item["id"] for item in api.get("/api/v1/pilots", token=pair[who])
                  .get_json()["items"]} for who in ("town", "startup", "manager", "outsider")}
    assert seen["town"] == seen["startup"] == {pair["pilot_id"]}
    assert seen["outsider"] == {other_id}
    assert {pair["pilot_id"], other_id} <= seen["manager"]


def test_list_filters_by_stage_and_search_and_pages(api, app, pair):
    second = factories.pilot(app, pair["manager"].user,
                             factories.challenge(app, pair["town"].user, title="水道の検針"),
                             pair["startup"].user.org_id)
    town = pair["town"]
    at = api.get("/api/v1/pilots?stage=introduced", token=town).get_json()["items"]
    assert [item["id"] for item in at] == [second]
    found = api.get("/api/v1/pilots?q=検針", token=town).get_json()["items"]
    assert [item["id"] for item in found] == [second]
    first = api.get("/api/v1/pilots?limit=1", token=town)
    assert first.status_code == 200 and 'rel="next"' in first.headers["Link"]
    cursor = first.get_json()["next_cursor"]
    rest = api.get(f"/api/v1/pilots?limit=1&cursor={cursor}", token=town).get_json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    assert {first.get_json()["items"][0]["id"], rest["items"][0]["id"]} == {pair["pilot_id"],
                                                                           second}
    future = api.get("/api/v1/pilots?updated_since=2999-01-01T00:00:00Z", token=town)
    assert future.get_json()["items"] == []
    bad = api.get("/api/v1/pilots?stage=nowhere", token=town)
    assert bad.status_code == 400 and bad.get_json()["errors"][0]["field"] == "stage"


def test_read_gives_next_step_checklist_and_moves(api, pair):
    response = api.get(f"/api/v1/pilots/{pair['pilot_id']}", token=pair["startup"])
    assert response.status_code == 200
    body = response.get_json()
    assert body["stage"] == "meeting" and body["my_side"] == "startup"
    assert response.headers["ETag"] == f'"{body["version"]}"'
    assert body["next_step"]["side"] == "either"
    assert [(item["key"], item["done"]) for item in body["checklist"]] == [
        ("first_meeting_held", False), ("meeting_notes", True)]  # recorded by the fixture
    assert "proposal" in body["allowed_moves"] and "selected" not in body["allowed_moves"]
    assert body["report"]["may_decide"] is False


def test_outsiders_and_anonymous_get_nothing(api, pair):
    url = f"/api/v1/pilots/{pair['pilot_id']}"
    assert api.get(url, token=pair["outsider"]).status_code == 404
    assert api.get(url).status_code == 401
    assert api.get("/api/v1/pilots").status_code == 401


def test_move_with_if_match_and_stale_version(api, pair):
    url = f"/api/v1/pilots/{pair['pilot_id']}"
    version = api.get(url, token=pair["town"]).get_json()["version"]
    moved = api.post(f"{url}/move", token=pair["town"], json={"stage": "proposal"},
                     headers={"If-Match": f'"{version}"'})
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["stage"] == "proposal"
    stale = api.post(f"{url}/move", token=pair["town"], json={"stage": "selected"},
                     headers={"If-Match": f'"{version}"'})
    assert stale.status_code == 412
    assert stale.get_json()["code"] == "precondition_failed"
    assert api.get(url, token=pair["town"]).get_json()["stage"] == "proposal"


def test_move_follows_the_movers_table(api, pair):
    url = f"/api/v1/pilots/{pair['pilot_id']}/move"
    assert api.post(url, token=pair["startup"], json={"stage": "proposal"}).status_code == 200
    # the startup may not select the pair (workflow.PILOT_MOVERS), as on the page
    refused = api.post(url, token=pair["startup"], json={"stage": "selected"})
    assert refused.status_code == 403
    assert refused.get_json()["code"] == "forbidden"
    assert api.post(url, token=pair["outsider"], json={"stage": "selected"}).status_code == 404
    no_reason = api.post(url, token=pair["town"], json={"stage": "not_adopted"})
    assert no_reason.status_code == 422
    assert no_reason.get_json()["errors"][0]["field"] == "reason"
    ended = api.post(url, token=pair["town"], json={"stage": "not_adopted", "reason": "budget"})
    assert ended.status_code == 200 and ended.get_json()["not_adopted_reason"] == "budget"


def test_move_refuses_bad_bodies_with_problems(api, pair):
    url = f"/api/v1/pilots/{pair['pilot_id']}/move"
    unknown = api.post(url, token=pair["town"], json={"stage": "proposal", "extra": 1})
    assert unknown.status_code == 422
    assert unknown.get_json()["errors"][0]["field"] == "extra"
    wrong = api.post(url, token=pair["town"], json={"stage": 3})
    assert wrong.status_code == 422 and wrong.get_json()["errors"][0]["field"] == "stage"
    text = api.post(url, token=pair["town"], data="stage=proposal",
                    content_type="application/x-www-form-urlencoded")
    assert text.status_code == 415


def test_read_scope_cannot_move(api, app, pair):
    from tests.api.conftest import make_token

    reader = make_token(app, pair["town"].user, scopes=("read",))
    url = f"/api/v1/pilots/{pair['pilot_id']}"
    assert api.get(url, token=reader).status_code == 200
    refused = api.post(f"{url}/move", token=reader, json={"stage": "proposal"})
    assert refused.status_code == 403
    assert refused.get_json()["code"] == "insufficient_scope"


def test_report_fields_per_side(api, pair):
    url = f"/api/v1/pilots/{pair['pilot_id']}/report"
    saved = api.patch(url, token=pair["startup"], json={"verified": "到達率86%"})
    assert saved.status_code == 200 and saved.get_json()["verified"] == "到達率86%"
    refused = api.patch(url, token=pair["startup"], json={"adoption_decision": "導入する"})
    assert refused.status_code == 403
    decided = api.patch(url, token=pair["town"], json={"adoption_decision": "導入する"})
    assert decided.get_json()["adoption_decision"] == "導入する"
    assert decided.get_json()["verified"] == "到達率86%"  # left out: kept
    assert api.get(url, token=pair["manager"]).get_json()["adoption_decision"] == "導入する"


def test_kpis_list_add_edit(api, pair):
    url = f"/api/v1/pilots/{pair['pilot_id']}/kpis"
    added = api.post(url, token=pair["startup"],
                     json={"name": "到達率", "unit": "%", "baseline": 40, "target": 80})
    assert added.status_code == 201, added.get_json()
    kpi = added.get_json()
    assert kpi["baseline"] == 40 and kpi["actual"] is None
    edited = api.patch(f"{url}/{kpi['id']}", token=pair["town"], json={"actual": 86.5})
    assert edited.status_code == 200 and edited.get_json()["actual"] == 86.5
    assert edited.get_json()["target"] == 80
    listed = api.get(url, token=pair["manager"]).get_json()["items"]
    assert [(k["name"], k["actual"]) for k in listed] == [("到達率", 86.5)]
    nameless = api.post(url, token=pair["town"], json={"name": " "})
    assert nameless.status_code == 422 and nameless.get_json()["errors"][0]["field"] == "name"
    assert api.post(url, token=pair["outsider"], json={"name": "x"}).status_code == 404
    assert api.patch(f"{url}/999999", token=pair["town"], json={"actual": 1}).status_code == 404


def test_kpi_write_with_stale_if_match_is_412(api, pair):
    url = f"/api/v1/pilots/{pair['pilot_id']}"
    version = api.get(url, token=pair["town"]).get_json()["version"]
    api.post(f"{url}/move", token=pair["town"], json={"stage": "proposal"})
    stale = api.post(f"{url}/kpis", token=pair["town"], json={"name": "到達率"},
                     headers={"If-Match": f'"{version}"'})
    assert stale.status_code == 412
    assert api.get(f"{url}/kpis", token=pair["town"]).get_json()["items"] == []


def test_milestones_add_and_tick(api, pair):
    url = f"/api/v1/pilots/{pair['pilot_id']}/milestones"
    added = api.post(url, token=pair["town"], json={"title": "初回打合せ",
                                                    "due_date": "2026-12-24"})
    assert added.status_code == 201, added.get_json()
    milestone = added.get_json()
    assert milestone["due_date"] == "2026-12-24" and milestone["is_done"] is False
    done = api.put(f"{url}/{milestone['id']}/done", token=pair["startup"], json={"is_done": True})
    assert done.get_json()["is_done"] is True
    again = api.put(f"{url}/{milestone['id']}/done", token=pair["startup"],
                    json={"is_done": True})
    assert again.get_json()["is_done"] is True  # idempotent
    detail = api.get(f"/api/v1/pilots/{pair['pilot_id']}", token=pair["town"]).get_json()
    assert detail["checklist"][0]["done"] is True
    bad_date = api.post(url, token=pair["town"], json={"title": "x", "due_date": "24/12"})
    assert bad_date.status_code == 422
    assert bad_date.get_json()["errors"][0]["field"] == "due_date"


@pytest.mark.parametrize("who", ["town", "startup", "manager"])
def test_list_equals_the_board_per_role_and_filter(api, app, client, pair, who):
    import re

    from tests.html import get_page, targets

    factories.pilot(app, pair["manager"].user,
                    factories.challenge(app, pair["town"].user, title="水道の検針"),
                    pair["startup"].user.org_id, stage="agreement")
    factories.login(client, pair[who].user)
    for args in ("", "?mine=y", "?q=検針"):
        page = get_page(client, f"/pilots/{args}")
        board = {int(m.group(1)) for target in targets(page)
                 if (m := re.fullmatch(r"/pilots/(\d+)", target.split("?")[0]))}
        listed = api.get(f"/api/v1/pilots{args.replace('y', 'true')}", token=pair[who])
        assert {item["id"] for item in listed.get_json()["items"]} == board, (who, args)
        assert board or args  # the unfiltered board shows the pairs
