"""Notification pages: the count in the header, the list, opening one, the settings."""
from __future__ import annotations

from tests import factories
from tests.html import get_page, selected, text, texts


def test_header_shows_unread_count_and_opening_marks_read(client, app, login_as):
    user = login_as("startup")
    client.post("/notifications/read-all")  # the approval of the user's organisation
    assert get_page(client, "/home").select(".badge-count") == []
    note = factories.notification(app, user, url="/challenges/")
    assert texts(get_page(client, "/home"), ".bell .badge-count") == ["1"]
    assert "テスト市が参加を申請し" in text(get_page(client, "/notifications/").main)
    response = client.post(f"/notifications/{note}/read")
    assert response.headers["Location"].endswith("/challenges/")
    assert get_page(client, "/home").select(".badge-count") == []


def test_settings_are_saved(client, login_as):
    login_as("municipality")
    response = client.post("/notifications/settings", data={"kind-introduced": "weekly"})
    assert response.status_code == 302
    page = get_page(client, "/notifications/settings")
    assert selected(page, "kind-introduced") == ["weekly"]


def test_someone_elses_notification_is_404(client, app, login_as):
    other = factories.user(app, "startup")
    note = factories.notification(app, other)
    login_as("startup")
    assert client.post(f"/notifications/{note}/read").status_code == 404
