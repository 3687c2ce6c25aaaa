"""API notifications: only the caller's own, unread and 要対応 filters, mark one or all read."""
from __future__ import annotations

from tests import factories


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.get_json()["items"]]


def test_list_own_notifications_and_mark_them_read(app, api, token_for):
    me = token_for("municipality")
    other = token_for("startup")
    first = factories.notification(app, me.user)
    second = factories.notification(app, me.user, url="/challenges/")
    theirs = factories.notification(app, other.user)
    assert api.get("/api/v1/notifications").status_code == 401
    listed = api.get("/api/v1/notifications", token=me)
    assert _ids(listed)[-2:] == [first, second]  # after the approval's notification
    item = listed.get_json()["items"][-2]
    assert item["unread"] is True and item["message"] and item["url"] == "/home"
    read = api.post(f"/api/v1/notifications/{first}/read", token=me)
    assert read.status_code == 200 and read.get_json()["unread"] is False
    assert read.headers["ETag"] == f'"{read.get_json()["version"]}"'
    unread = _ids(api.get("/api/v1/notifications?unread=true", token=me))
    assert second in unread and first not in unread
    assert api.post(f"/api/v1/notifications/{theirs}/read", token=me).status_code == 404
    assert api.post("/api/v1/notifications/read-all", token=me).status_code == 204
    assert _ids(api.get("/api/v1/notifications?unread=true", token=me)) == []
    assert theirs in _ids(api.get("/api/v1/notifications?unread=true", token=other))
    assert api.post("/api/v1/notifications/read-all").status_code == 401


def test_pages_and_bad_parameters(app, api, token_for):
    me = token_for("startup")
    api.post("/api/v1/notifications/read-all", token=me)
    before = _ids(api.get("/api/v1/notifications", token=me))
    ids = before + [factories.notification(app, me.user) for _n in range(3)]
    first = api.get("/api/v1/notifications?limit=2", token=me)
    assert _ids(first) == ids[:2] and 'rel="next"' in first.headers["Link"]
    rest = api.get(f"/api/v1/notifications?limit=2&cursor={first.get_json()['next_cursor']}",
                   token=me)
    assert _ids(rest) == ids[2:4]
    bad = api.get("/api/v1/notifications?unread=maybe", token=me)
    assert bad.status_code == 400 and bad.get_json()["errors"][0]["field"] == "unread"


def test_action_filter_keeps_what_waits_for_the_caller(app, api, client, token_for):
    manager = token_for("manager")
    pending = factories.user(app, "startup", state="pending")
    waiting = factories.notification(app, manager.user, url="/admin/organisations")
    other = factories.notification(app, manager.user, url="/nowhere")
    ids = _ids(api.get("/api/v1/notifications?action=true", token=manager))
    factories.login(client, manager.user)
    page = client.get("/notifications/?filter=action").get_data(as_text=True)
    assert other not in ids
    assert (waiting in ids) == (f"/notifications/{waiting}/read" in page)
    assert pending.org_id
