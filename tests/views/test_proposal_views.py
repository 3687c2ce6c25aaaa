"""Proposal pages: applying with a PDF, who sees what, forms that keep input, review buttons."""
from __future__ import annotations

import io

from tests import factories


def _apply(client, cid, pdf=factories.PDF_BYTES, name="提案書.pdf", **data):
    form = {"approach": "IoTセンサーで水位を測ります", "timeline": "3か月", "cost_estimate": "250"}
    form |= data
    if pdf is not None:
        form["attachment"] = (io.BytesIO(pdf), name)
    return client.post(f"/challenges/{cid}/apply", data=form, content_type="multipart/form-data")


def test_startup_applies_with_a_pdf_and_reads_its_proposal(client, app, login_as):
    owner = factories.user(app, "municipality")
    cid = factories.challenge(app, owner)
    login_as("startup")
    assert client.get(f"/challenges/{cid}/apply").status_code == 200
    response = _apply(client, cid)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "IoTセンサーで水位を測ります" in page and "提案書.pdf" in page and "提出済み" in page
    download = client.get(response.headers["Location"] + "/attachment")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.data == factories.PDF_BYTES


def test_a_renamed_non_pdf_is_refused_and_the_text_is_kept(client, app, login_as):
    cid = factories.challenge(app, factories.user(app, "municipality"))
    login_as("startup")
    response = _apply(client, cid, pdf=b"GIF89a...", name="plan.pdf", approach="残すべき本文")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "PDFファイル" in page and "残すべき本文" in page


def test_negative_cost_keeps_the_form(client, app, login_as):
    cid = factories.challenge(app, factories.user(app, "municipality"))
    login_as("startup")
    response = _apply(client, cid, pdf=None, cost_estimate="-3", approach="本文")
    assert response.status_code == 400 and "本文" in response.get_data(as_text=True)


def test_second_application_goes_to_the_existing_proposal(client, app, login_as):
    cid = factories.challenge(app, factories.user(app, "municipality"))
    startup = login_as("startup")
    pid = factories.proposal(app, startup, cid)
    response = client.get(f"/challenges/{cid}/apply")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/proposals/{pid}")


def test_closed_challenge_refuses_applying(client, app, login_as):
    cid = factories.challenge(app, factories.user(app, "municipality"), state="closed")
    login_as("startup")
    assert client.get(f"/challenges/{cid}/apply").status_code == 403
    assert _apply(client, cid).status_code == 403


def test_other_startups_get_404_for_page_and_attachment(client, app, login_as):
    cid = factories.challenge(app, factories.user(app, "municipality"))
    pid = factories.proposal(app, factories.user(app, "startup"), cid, pdf=True)
    login_as("startup")
    assert client.get(f"/proposals/{pid}").status_code == 404
    assert client.get(f"/proposals/{pid}/attachment").status_code == 404
    assert client.get(f"/proposals/{pid}/edit").status_code == 404


def test_other_municipality_cannot_open_the_review_page(client, app, login_as):
    cid = factories.challenge(app, factories.user(app, "municipality"))
    login_as("municipality")
    assert client.get(f"/challenges/{cid}/proposals").status_code == 403


def test_reviewer_sees_all_proposals_side_by_side_and_the_pdf(client, app, login_as):
    owner = login_as("municipality")
    cid = factories.challenge(app, owner)
    first = factories.proposal(app, factories.user(app, "startup"), cid, pdf=True,
                               approach="案その一")
    factories.proposal(app, factories.user(app, "startup"), cid, approach="案その二")
    page = client.get(f"/challenges/{cid}/proposals").get_data(as_text=True)
    assert "案その一" in page and "案その二" in page and "提案2件" in page
    assert client.get(f"/proposals/{first}/attachment").status_code == 200


def test_declining_without_a_reason_is_refused_then_works(client, app, login_as):
    owner = login_as("municipality")
    cid = factories.challenge(app, owner)
    pid = factories.proposal(app, factories.user(app, "startup"), cid)
    client.post(f"/proposals/{pid}/state", data={"state": "declined", "reason": ""})
    assert "提出済み" in client.get(f"/proposals/{pid}").get_data(as_text=True)
    response = client.post(f"/proposals/{pid}/state", data={"state": "declined",
                                                            "reason": "予算を超えるため"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "不採択" in page and "予算を超えるため" in page


def test_accepting_links_to_a_new_pilot(client, app, login_as):
    owner = login_as("municipality")
    cid = factories.challenge(app, owner)
    pid = factories.proposal(app, factories.user(app, "startup"), cid, state="shortlisted",
                             reviewer=owner)
    client.post(f"/proposals/{pid}/state", data={"state": "accepted"})
    board = client.get("/pilots/").get_data(as_text=True)
    assert "防災アプリによる避難情報の配信" in board


def test_startup_edits_until_shortlisted(client, app, login_as):
    owner = factories.user(app, "municipality")
    cid = factories.challenge(app, owner)
    startup = login_as("startup")
    pid = factories.proposal(app, startup, cid)
    response = client.post(f"/proposals/{pid}/edit", data={
        "approach": "改訂した提案", "timeline": "", "cost_estimate": "", "version": "1"},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert "改訂した提案" in client.get(f"/proposals/{pid}").get_data(as_text=True)
    shortlisted = factories.proposal(app, startup, factories.challenge(app, owner),
                                     state="shortlisted", reviewer=owner)
    assert client.get(f"/proposals/{shortlisted}/edit").status_code == 403


def test_proposal_list_in_english(client, app, login_as):
    startup = login_as("startup")
    factories.proposal(app, startup, factories.challenge(app, factories.user(app, "municipality")))
    page = client.get("/proposals/?lang=en").get_data(as_text=True)
    assert "Submitted" in page and "防災アプリ" in page
