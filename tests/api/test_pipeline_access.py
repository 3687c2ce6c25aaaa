"""API pipeline: who reaches what, over every read of the area — anonymous callers get 401
(nothing here is public), members of a pending organisation 403, outsiders 404 on records — and
incremental sync with updated_since."""
from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from tests import factories

LISTS = ("/api/v1/recommendations", "/api/v1/proposals", "/api/v1/pilots", "/api/v1/marketing")


@pytest.fixture
def records(app, token_for):
    town, startup, manager = token_for("municipality"), token_for("startup"), token_for("manager")
    challenge_id = factories.challenge(app, town.user)
    other_challenge = factories.challenge(app, town.user, title="水道の検針")
    pilot_id = factories.pilot(app, manager.user, challenge_id, startup.user.org_id)
    ids = {
        "rec": factories.recommendation(app, other_challenge, startup.user.org_id, 0.4),
        "proposal": factories.proposal(app, startup.user, other_challenge, pdf=True),
        "pilot": pilot_id,
        "kpi": factories.kpi(app, town.user, pilot_id),
        "milestone": factories.milestone(app, town.user, pilot_id),
        "activity": factories.marketing(app, pilot_id, town.user, startup.user, manager.user),
    }
    return {"town": town, "startup": startup, "manager": manager, **ids}


def _reads(r) -> list[str]:
    return [f"/api/v1/recommendations/{r['rec']}", f"/api/v1/proposals/{r['proposal']}",
            f"/api/v1/proposals/{r['proposal']}/attachment", f"/api/v1/pilots/{r['pilot']}",
            f"/api/v1/pilots/{r['pilot']}/report", f"/api/v1/pilots/{r['pilot']}/kpis",
            f"/api/v1/pilots/{r['pilot']}/milestones", f"/api/v1/marketing/{r['activity']}"]


def test_parties_and_managers_read_everything_of_their_pairs(api, records):
    for who in ("town", "startup", "manager"):
        for url in _reads(records):
            assert api.get(url, token=records[who]).status_code == 200, (who, url)


def test_outsiders_get_404_and_anonymous_401(api, records, token_for):
    outsiders = (token_for("municipality"), token_for("startup"))
    for url in _reads(records):
        for outsider in outsiders:
            response = api.get(url, token=outsider)
            assert response.status_code == 404, (outsider.user.role, url)
            assert response.mimetype == "application/problem+json"
        assert api.get(url).status_code == 401, url
    for url in LISTS:
        assert api.get(url).status_code == 401
        for outsider in outsiders:
            assert api.get(url, token=outsider).get_json()["items"] == []


def test_members_of_a_pending_organisation_are_refused(api, token_for):
    pending = token_for("startup", state="pending")
    for url in LISTS:
        response = api.get(url, token=pending)
        assert response.status_code == 403, url
        assert response.mimetype == "application/problem+json"


def test_updated_since_gives_only_what_changed(api, records):
    time.sleep(0.01)
    mark = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    time.sleep(0.01)
    town = records["town"]
    before = {url: api.get(f"{url}?updated_since={mark}", token=town).get_json()["items"]
              for url in LISTS}
    assert before == {url: [] for url in LISTS}
    api.post(f"/api/v1/pilots/{records['pilot']}/move", token=town, json={"stage": "meeting"})
    api.post(f"/api/v1/proposals/{records['proposal']}/state", token=town,
             json={"state": "shortlisted"})
    api.post(f"/api/v1/marketing/{records['activity']}/state", token=town,
             json={"state": "drafting"})
    after = {url: [item["id"] for item in api.get(f"{url}?updated_since={mark}", token=town)
                   .get_json()["items"]] for url in LISTS}
    assert after["/api/v1/pilots"] == [records["pilot"]]
    assert after["/api/v1/proposals"] == [records["proposal"]]
    assert after["/api/v1/marketing"] == [records["activity"]]


def test_ids_beyond_the_databases_integers_are_refused_not_500(api, token_for):
    town, manager = token_for("municipality"), token_for("manager")
    huge = 2**70
    listed = api.get(f"/api/v1/proposals?challenge_id={huge}", token=town)
    assert listed.status_code == 400
    assert listed.get_json()["errors"][0]["field"] == "challenge_id"
    bulk = api.post("/api/v1/recommendations/bulk", token=manager,
                    json={"ids": [huge], "action": "introduce"})
    assert bulk.status_code == 422 and bulk.get_json()["errors"][0]["field"] == "ids.0"
    assert api.get(f"/api/v1/pilots/{huge}", token=town).status_code == 404
