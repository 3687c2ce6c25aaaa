"""Issue 11, finding 7 on the pages: a locked proposal offers no edit and refuses one with its
reason (403, never 500); earlier versions are listed with their PDFs, for the proposal's readers."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest

from govtech.extensions import db
from govtech.models import Challenge, ChallengeState, Organisation, OrgState
from govtech.services import challenges
from tests import factories
from tests.html import get_page, texts


@pytest.fixture
def world(app):
    owner = factories.user(app, "municipality")
    startup = factories.user(app, "startup")
    cid = factories.challenge(app, owner)
    pid = factories.proposal(app, startup, cid, pdf=True, approach="初版の本文")
    return {"owner": owner, "startup": startup, "manager": factories.user(app, "manager"),
            "rival": factories.user(app, "startup")}, cid, pid


def _edit(client, pid, page=None, **data):
    version = page.find("input", attrs={"name": "version"})["value"] if page else "1"
    form = {"approach": "改訂した本文", "timeline": "4か月", "cost_estimate": "300",
            "version": version} | data
    return client.post(f"/proposals/{pid}/edit", data=form, content_type="multipart/form-data")


def _set(app, cid, **values):
    with app.app_context():
        challenge = db.session.get(Challenge, cid)
        for key, value in values.items():
            setattr(challenge, key, value)
        db.session.commit()


def test_after_the_deadline_the_edit_is_not_offered_and_refused(client, app, world,
                                                                 monkeypatch):
    users, cid, pid = world
    with app.app_context():
        deadline = challenges.today()
    _set(app, cid, deadline=deadline)
    factories.login(client, users["startup"])
    page = get_page(client, f"/proposals/{pid}")  # the deadline day itself: still open
    assert page.find("a", href=f"/proposals/{pid}/edit") is not None
    monkeypatch.setattr(challenges, "today", lambda: deadline + timedelta(days=1))
    page = get_page(client, f"/proposals/{pid}?lang=en")
    assert page.find("a", href=f"/proposals/{pid}/edit") is None
    assert "deadline" in " ".join(texts(page, "#locked"))
    refused = get_page(client, f"/proposals/{pid}/edit?lang=en", status=403)
    assert "deadline" in refused.get_text()
    response = _edit(client, pid)
    assert response.status_code == 403
    assert "初版の本文" in client.get(f"/proposals/{pid}").get_data(as_text=True)


@pytest.mark.parametrize("closing", ["closed", "archived", "suspended"])
def test_a_closed_challenge_or_suspended_town_locks_the_proposal(client, app, world, closing):
    users, cid, pid = world
    if closing == "suspended":
        with app.app_context():
            db.session.get(Organisation, users["owner"].org_id).state = OrgState.suspended
            db.session.commit()
    else:
        _set(app, cid, state=ChallengeState(closing))
    factories.login(client, users["startup"])
    page = get_page(client, f"/proposals/{pid}")
    assert page.find("a", href=f"/proposals/{pid}/edit") is None and texts(page, "#locked")
    assert client.get(f"/proposals/{pid}/edit").status_code == 403
    assert _edit(client, pid).status_code == 403


def test_each_edit_is_listed_with_the_pdf_it_replaced(client, app, world):
    users, _cid, pid = world
    factories.login(client, users["startup"])
    form_page = get_page(client, f"/proposals/{pid}/edit")
    response = _edit(client, pid, form_page,
                     attachment=(io.BytesIO(factories.PDF_BYTES + b"%v2"), "第2版.pdf"))
    assert response.status_code == 302
    page = get_page(client, f"/proposals/{pid}?lang=en")
    assert texts(page, "#versions .version strong") == ["Version 1"]
    link = f"/proposals/{pid}/versions/1/attachment"
    assert page.find("a", href=link) is not None and "提案書.pdf" in texts(
        page, "#versions .version")[0]
    assert "初版の本文" in texts(page, "#versions .version")[0]
    for who in ("startup", "owner", "manager"):
        reader = app.test_client()
        factories.login(reader, users[who])
        download = reader.get(link)
        assert download.status_code == 200 and download.data == factories.PDF_BYTES
        assert reader.get(f"/proposals/{pid}/attachment").data == factories.PDF_BYTES + b"%v2"
        assert reader.get(f"/proposals/{pid}/versions/2/attachment").status_code == 404
    rival = app.test_client()
    factories.login(rival, users["rival"])
    assert rival.get(link).status_code == 404
    assert app.test_client().get(link).status_code == 302  # to the login page
