"""The approvals list: managers approve and suspend; the change shows and is recorded."""
from __future__ import annotations

from sqlalchemy import select

from govtech.extensions import db
from govtech.models import HistoryEvent, Organisation
from tests import factories
from tests.html import get_page, text, texts


def _org(app, org_id):
    with app.app_context():
        org = db.session.get(Organisation, org_id)
        return org.state, org.version


def test_manager_approves_pending_organisation(client, app, login_as):
    pending = factories.user(app, "startup", state="pending")
    login_as("manager")
    page = get_page(client, "/admin/organisations?state=pending")
    assert "承認する" in texts(page, "main form button")
    _state, version = _org(app, pending.org_id)
    response = client.post(f"/admin/organisations/{pending.org_id}/state",
                           data={"state": "approved", "version": version})
    assert response.status_code == 302
    assert _org(app, pending.org_id)[0] == "approved"
    with app.app_context():
        assert db.session.scalar(select(HistoryEvent).where(
            HistoryEvent.entity_id == pending.org_id, HistoryEvent.to_state == "approved"))


def test_stale_version_is_refused(client, app, login_as):
    pending = factories.user(app, "startup", state="pending")
    login_as("manager")
    client.post(f"/admin/organisations/{pending.org_id}/state",
                data={"state": "approved", "version": 0}, follow_redirects=False)
    assert _org(app, pending.org_id)[0] == "pending"


def test_search_filters_the_list(client, app, login_as):
    factories.user(app, "startup", state="pending")
    login_as("manager")
    page = get_page(client, "/admin/organisations?q=存在しない名前")
    assert "該当する団体はありません" in text(page.main)


def test_suspended_users_lose_their_session(client, app, login_as):
    user = login_as("startup")
    manager = factories.user(app, "manager")
    other = app.test_client()
    factories.login(other, manager)
    _state, version = _org(app, user.org_id)
    other.post(f"/admin/organisations/{user.org_id}/state",
               data={"state": "suspended", "confirm": "yes", "version": version})
    assert client.get("/home").status_code == 302
