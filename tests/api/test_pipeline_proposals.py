"""API proposals: applying with a PDF (multipart), reading, lists per role, editing while allowed
(If-Match), review and withdrawal, the PDF's download."""
from __future__ import annotations

import io

import pytest

from tests import factories


@pytest.fixture
def setup(app, token_for):
    town, startup, other = token_for("municipality"), token_for("startup"), token_for("startup")
    manager, stranger = token_for("manager"), token_for("municipality")
    challenge_id = factories.challenge(app, town.user)
    return {"town": town, "startup": startup, "other": other, "manager": manager,
            "stranger": stranger, "challenge_id": challenge_id}


def _apply(api, setup, who="startup", pdf=factories.PDF_BYTES, **fields):
    data = {"approach": "IoTセンサーで水位を測ります。", "timeline": "3か月",
            "cost_estimate": "300"}
    data |= fields
    if pdf is not None:
        data["attachment"] = (io.BytesIO(pdf), "提案書.pdf")
    return api.post(f"/api/v1/challenges/{setup['challenge_id']}/proposals", token=setup[who],
                    data=data, content_type="multipart/form-data")


def test_startup_applies_with_a_pdf_and_downloads_it(api, setup):
    created = _apply(api, setup)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["state"] == "submitted" and body["cost_estimate"] == 300
    assert body["attachment"]["name"] == "提案書.pdf" and body["can_edit"] is True
    assert created.headers["ETag"] == f'"{body["version"]}"'
    download = api.get(f"/api/v1/proposals/{body['id']}/attachment", token=setup["town"])
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.data == factories.PDF_BYTES
    assert api.get(f"/api/v1/proposals/{body['id']}/attachment",
                   token=setup["other"]).status_code == 404


def test_apply_without_a_file_but_not_as_json(api, setup):
    created = _apply(api, setup, pdf=None)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["attachment"] is None
    again = _apply(api, setup)
    assert again.status_code == 422  # one active proposal per startup and challenge
    as_json = api.post(f"/api/v1/challenges/{setup['challenge_id']}/proposals",
                       token=setup["other"], json={"approach": "LINEで通知します。"})
    assert as_json.status_code == 415 and as_json.mimetype == "application/problem+json"


def test_startup_replaces_its_pdf_and_the_old_one_is_kept(api, setup):
    created = _apply(api, setup).get_json()
    url = f"/api/v1/proposals/{created['id']}/attachment"
    new_pdf = factories.PDF_BYTES + b"% v2\n"
    refused = api.put(url, token=setup["town"], data={"attachment": (io.BytesIO(new_pdf), "b.pdf")},
                      content_type="multipart/form-data")
    assert refused.status_code == 403
    not_pdf = api.put(url, token=setup["startup"],
                      data={"attachment": (io.BytesIO(b"GIF89a"), "b.pdf")},
                      content_type="multipart/form-data")
    assert not_pdf.status_code == 422
    assert not_pdf.get_json()["errors"][0]["field"] == "attachment"
    stale = api.put(url, token=setup["startup"], headers={"If-Match": '"99"'},
                    data={"attachment": (io.BytesIO(new_pdf), "b.pdf")},
                    content_type="multipart/form-data")
    assert stale.status_code == 412
    replaced = api.put(url, token=setup["startup"],
                       data={"attachment": (io.BytesIO(new_pdf), "第2版.pdf")},
                       content_type="multipart/form-data")
    assert replaced.status_code == 200, replaced.get_json()
    assert replaced.get_json()["attachment"]["name"] == "第2版.pdf"
    assert api.get(url, token=setup["town"]).data == new_pdf
    base = f"/api/v1/proposals/{created['id']}/versions"
    versions = api.get(base, token=setup["town"]).get_json()["items"]
    assert [(v["number"], v["attachment"]["name"]) for v in versions] == [(1, "提案書.pdf")]
    kept = api.get(f"{base}/1/attachment", token=setup["startup"])
    assert kept.status_code == 200 and kept.data == factories.PDF_BYTES
    assert api.get(f"{base}/1/attachment", token=setup["other"]).status_code == 404
    assert api.get(f"{base}/2/attachment", token=setup["town"]).status_code == 404
    missing = api.put(url, token=setup["startup"], data={}, content_type="multipart/form-data")
    assert missing.status_code == 422
    assert missing.get_json()["errors"][0]["field"] == "attachment"


def test_a_file_that_is_not_a_pdf_is_refused_naming_the_field(api, app, setup):
    refused = _apply(api, setup, pdf=b"MZ\x90\x00 not a pdf")
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["errors"][0]["field"] == "attachment"
    listed = api.get("/api/v1/proposals", token=setup["startup"]).get_json()["items"]
    assert listed == []  # nothing half-written


def test_bad_fields_are_named(api, setup):
    no_approach = _apply(api, setup, approach="")
    assert no_approach.status_code == 422
    assert no_approach.get_json()["errors"][0]["field"] == "approach"
    bad_cost = _apply(api, setup, cost_estimate="lots")
    assert bad_cost.get_json()["errors"][0]["field"] == "cost_estimate"
    unknown = _apply(api, setup, colour="red")
    assert unknown.status_code == 422 and unknown.get_json()["errors"][0]["field"] == "colour"
    text = api.post(f"/api/v1/challenges/{setup['challenge_id']}/proposals",
                    token=setup["startup"], data="approach=x", content_type="text/plain")
    assert text.status_code == 415


def test_only_startups_apply(api, setup):
    assert _apply(api, setup, who="town").status_code == 403
    assert _apply(api, setup, who="manager").status_code == 403
    anonymous = api.post(f"/api/v1/challenges/{setup['challenge_id']}/proposals",
                         json={"approach": "x"})
    assert anonymous.status_code == 401


def test_lists_per_role(api, app, setup):
    mine = _apply(api, setup).get_json()["id"]
    theirs = _apply(api, setup, who="other").get_json()["id"]

    def ids(who, args=""):
        response = api.get(f"/api/v1/proposals{args}", token=setup[who])
        assert response.status_code == 200, response.get_json()
        return {item["id"] for item in response.get_json()["items"]}

    assert ids("startup") == {mine} and ids("other") == {theirs}
    assert ids("town") == {mine, theirs} and {mine, theirs} <= ids("manager")
    assert ids("stranger") == set()
    assert ids("town", f"?challenge_id={setup['challenge_id']}") == {mine, theirs}
    refused = api.get(f"/api/v1/proposals?challenge_id={setup['challenge_id']}",
                      token=setup["startup"])
    assert refused.status_code == 403  # the review page is its reviewers'
    assert ids("town", "?q=存在しない語") == set()
    assert api.get(f"/api/v1/proposals/{mine}", token=setup["other"]).status_code == 404
    assert api.get(f"/api/v1/proposals/{mine}", token=setup["stranger"]).status_code == 404


def test_edit_while_allowed_with_if_match(api, setup):
    created = _apply(api, setup).get_json()
    url = f"/api/v1/proposals/{created['id']}"
    edited = api.patch(url, token=setup["startup"], json={"timeline": "2か月"},
                       headers={"If-Match": f'"{created["version"]}"'})
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["timeline"] == "2か月"
    assert edited.get_json()["approach"] == created["approach"]  # left out: kept
    stale = api.patch(url, token=setup["startup"], json={"timeline": "1か月"},
                      headers={"If-Match": f'"{created["version"]}"'})
    assert stale.status_code == 412
    assert api.patch(url, token=setup["other"], json={"timeline": "x"}).status_code == 404
    assert api.patch(url, token=setup["town"], json={"timeline": "x"}).status_code == 403
    bad = api.patch(url, token=setup["startup"], json={"cost_estimate": "300"})
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "cost_estimate"
    shortlisted = api.post(f"{url}/state", token=setup["town"], json={"state": "shortlisted"})
    assert shortlisted.status_code == 200
    locked = api.patch(url, token=setup["startup"], json={"timeline": "x"})
    assert locked.status_code == 403  # shortlisted: no more edits, as on the page


def test_review_and_withdraw(api, setup):
    created = _apply(api, setup).get_json()
    url = f"/api/v1/proposals/{created['id']}/state"
    assert api.post(url, token=setup["startup"],
                    json={"state": "shortlisted"}).status_code == 403
    assert api.post(url, token=setup["stranger"],
                    json={"state": "shortlisted"}).status_code == 404
    no_reason = api.post(url, token=setup["town"], json={"state": "declined"})
    assert no_reason.status_code == 422
    assert no_reason.get_json()["errors"][0]["field"] == "reason"
    assert api.post(url, token=setup["town"], json={"state": "shortlisted"}).status_code == 200
    accepted = api.post(url, token=setup["manager"], json={"state": "accepted"},
                        headers={"If-Match": f'"{created["version"] + 1}"'})
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["allowed_states"] == []
    pilots = api.get("/api/v1/pilots", token=setup["startup"]).get_json()["items"]
    assert [p["stage"] for p in pilots] == ["selected"]  # accepting selected the pair
    wrong = api.post(url, token=setup["startup"], json={"state": "withdrawn"})
    assert wrong.status_code == 409 and wrong.get_json()["code"] == "invalid_transition"


def test_startup_withdraws_its_own(api, setup):
    created = _apply(api, setup).get_json()
    url = f"/api/v1/proposals/{created['id']}/state"
    stale = api.post(url, token=setup["startup"], json={"state": "withdrawn"},
                     headers={"If-Match": '"99"'})
    assert stale.status_code == 412
    done = api.post(url, token=setup["startup"], json={"state": "withdrawn"})
    assert done.status_code == 200 and done.get_json()["state"] == "withdrawn"
