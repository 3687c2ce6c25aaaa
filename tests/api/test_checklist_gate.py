"""The API's move goes through the same gate as the page: a stage's required records first,
refused as a problem response that names what is missing; endings are never gated."""
from __future__ import annotations

from tests import factories, walk


def test_the_api_move_is_gated_and_says_what_is_missing(api, app, token_for):
    town, startup, manager = token_for("municipality"), token_for("startup"), token_for("manager")
    pid = factories.pilot(app, manager.user, factories.challenge(app, town.user),
                          startup.user.org_id, stage="meeting")
    url = f"/api/v1/pilots/{pid}"
    refused = api.post(f"{url}/move", token=startup, json={"stage": "proposal"})
    assert refused.status_code == 422, refused.get_json()
    problem = refused.get_json()
    assert "議事メモ" in problem["detail"] or "議事メモ" in str(problem.get("errors"))
    body = api.get(url, token=startup).get_json()
    notes = next(i for i in body["checklist"] if i["key"] == "meeting_notes")
    assert notes["required"] and not notes["done"]
    walk.fill_stage(app, startup.user, pid)
    assert api.post(f"{url}/move", token=startup, json={"stage": "proposal"}).status_code == 200


def test_the_api_may_end_a_pair_whatever_its_checklist(api, app, token_for):
    town, startup, manager = token_for("municipality"), token_for("startup"), token_for("manager")
    pid = factories.pilot(app, manager.user, factories.challenge(app, town.user),
                          startup.user.org_id, stage="budgeting")
    ended = api.post(f"/api/v1/pilots/{pid}/move", token=town, json={"stage": "withdrawn"})
    assert ended.status_code == 200 and ended.get_json()["stage"] == "withdrawn"


def test_the_api_says_which_items_were_waived_and_why(api, app, token_for):
    from govtech.extensions import db
    from govtech.models import Pilot, User
    from govtech.services import checklist

    town, startup, manager = token_for("municipality"), token_for("startup"), token_for("manager")
    pid = factories.pilot(app, manager.user, factories.challenge(app, town.user),
                          startup.user.org_id, stage="meeting")
    with app.test_request_context():
        checklist.waive(db.session.get(User, startup.user.id), db.session.get(Pilot, pid),
                        "meeting_notes", "会議録は庁内システムに保存済み")
    body = api.get(f"/api/v1/pilots/{pid}", token=town).get_json()
    notes = next(i for i in body["checklist"] if i["key"] == "meeting_notes")
    assert notes["done"] and notes["waived"]
    assert notes["reason"] == "会議録は庁内システムに保存済み"
    held = next(i for i in body["checklist"] if i["key"] == "first_meeting_held")
    assert not held["waived"] and held["reason"] == ""
