"""Notification pages: the count in the header, the list, opening one, the settings."""
from __future__ import annotations

from tests import factories


def test_header_shows_unread_count_and_opening_marks_read(client, app, login_as):
    user = login_as("startup")
    client.post("/notifications/read-all")  # the approval of the user's organisation
    assert 'class="badge-count"' not in client.get("/home").get_data(as_text=True)
    note = factories.notification(app, user, url="/challenges/")
    page = client.get("/home").get_data(as_text=True)
    assert 'class="badge-count"' in page
    assert "テスト市 が参加を申請し" in client.get("/notifications/").get_data(as_text=True)
    response = client.post(f"/notifications/{note}/read")
    assert response.headers["Location"].endswith("/challenges/")
    assert 'class="badge-count"' not in client.get("/home").get_data(as_text=True)


def test_settings_are_saved(client, login_as):
    login_as("municipality")
    response = client.post("/notifications/settings", data={"kind-introduced": "weekly"})
    assert response.status_code == 302
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert '<option value="weekly" selected>' in page


def test_someone_elses_notification_is_404(client, app, login_as):
    other = factories.user(app, "startup")
    note = factories.notification(app, other)
    login_as("startup")
    assert client.post(f"/notifications/{note}/read").status_code == 404
