"""Webhook pages (issue 14 item 6) from the outside: who reaches them, the secret shown once,
refused addresses next to the field, editing, the test button, turning off and deleting under
その他の操作 with a confirmation, and the deliveries listed with their outcome, paged."""
from __future__ import annotations

from unittest import mock

from govtech.extensions import db
from govtech.models.webhook import Webhook, WebhookDelivery
from govtech.services import webhooks_events
from tests import factories
from tests.html import field_errors, flash_messages, get_page, post_page, text, texts

URL = "http://127.0.0.1:9/hook"
ALL = ["challenge.published", "proposal.received", "proposal.decided", "pilot.moved",
       "marketing.approved"]


def _create(client, url=URL, events=ALL, status=200, **extra):
    return post_page(client, "/account/webhooks/", {"url": url, "events": events, **extra},
                     status=status)


def _hook_id(app) -> int:
    with app.app_context():
        return db.session.scalars(db.select(Webhook.id).order_by(Webhook.id.desc())).first()


def test_the_administrator_adds_a_hook_and_sees_its_secret_once(app, client):
    admin = factories.user(app, "municipality")
    factories.login(client, admin)
    page = get_page(client, "/account/webhooks/")
    assert page.select_one("#new-webhook form") is not None
    assert page.select_one("input[name=programme_wide]") is None  # managers' only
    created = _create(client)
    secret = text(created.select_one(".webhook-secret"))
    assert secret.startswith("whsec_")
    hook_id = _hook_id(app)
    with app.app_context():
        hook = db.session.get(Webhook, hook_id)
        assert (hook.organisation_id, hook.secret, hook.events) == (admin.org_id, secret, ALL)
    listing = get_page(client, "/account/webhooks/")
    assert texts(listing, ".webhooks-table .webhook-url") == [URL]
    for url in ("/account/webhooks/", f"/account/webhooks/{hook_id}"):
        assert secret not in client.get(url).get_data(as_text=True)


def test_refused_addresses_are_shown_next_to_the_field(app, client):
    factories.login(client, factories.user(app, "startup"))
    page = _create(client, url="http://example.com/hook", status=400)
    assert field_errors(page, "url") == ["URLは https:// で始めてください。"]
    page = _create(client, url="https://10.0.0.1/x", status=400)
    assert "プライベートまたはローカルのネットワーク" in field_errors(page, "url")[0]
    page = _create(client, events=[], status=400)
    assert field_errors(page, "events") == ["イベントを1つ以上選んでください。"]
    with app.app_context():
        assert db.session.scalars(db.select(Webhook)).all() == []


def test_a_member_who_is_not_the_administrator_is_refused(app, client):
    admin = factories.user(app, "municipality")
    colleague = factories.user(app, "municipality", org_id=admin.org_id)
    factories.login(client, admin)
    _create(client)
    hook_id = _hook_id(app)
    other = app.test_client()
    factories.login(other, colleague)
    assert other.get("/account/webhooks/").status_code == 403
    assert other.get(f"/account/webhooks/{hook_id}").status_code == 404
    stranger = app.test_client()
    factories.login(stranger, factories.user(app, "municipality"))
    assert stranger.get(f"/account/webhooks/{hook_id}").status_code == 404
    assert stranger.post(f"/account/webhooks/{hook_id}/delete",
                         data={"confirm": "yes"}).status_code == 404
    manager = app.test_client()
    factories.login(manager, factories.user(app, "manager"))
    assert get_page(manager, f"/account/webhooks/{hook_id}") is not None


def test_managers_add_programme_wide_hooks(app, client):
    factories.login(client, factories.user(app, "manager"))
    assert get_page(client, "/account/webhooks/").select_one(
        "input[name=programme_wide]") is not None
    _create(client, programme_wide="y")
    with app.app_context():
        assert db.session.get(Webhook, _hook_id(app)).organisation_id is None


def test_edit_test_turn_off_and_delete(app, client):
    factories.login(client, factories.user(app, "municipality"))
    _create(client)
    hook_id = _hook_id(app)
    page_url = f"/account/webhooks/{hook_id}"
    page = post_page(client, page_url, {"url": "http://127.0.0.1:9/new", "events": ["pilot.moved"],
                                        "version": "1"}, follow_redirects=True)
    assert flash_messages(page)
    with app.app_context():
        hook = db.session.get(Webhook, hook_id)
        assert (hook.url, hook.events) == ("http://127.0.0.1:9/new", ["pilot.moved"])
    stale = post_page(client, page_url, {"url": URL, "events": ALL, "version": "1"}, status=409)
    assert stale is not None
    with mock.patch.object(webhooks_events.jobs, "enqueue") as enqueue:
        client.post(f"{page_url}/ping")
    assert enqueue.call_count == 1
    # turning off and deleting are under その他の操作 and need the box ticked
    page = get_page(client, page_url)
    assert len(page.select(".more-actions form.confirm-form")) == 2
    assert "http://127.0.0.1:9/new" in text(page.select_one(".more-actions"))
    client.post(f"{page_url}/active", data={"active": "0"})
    with app.app_context():
        assert db.session.get(Webhook, hook_id).active  # not confirmed: nothing changed
    client.post(f"{page_url}/active", data={"active": "0", "confirm": "yes"})
    with app.app_context():
        assert not db.session.get(Webhook, hook_id).active
    client.post(f"{page_url}/delete")
    with app.app_context():
        assert db.session.get(Webhook, hook_id) is not None
    response = client.post(f"{page_url}/delete", data={"confirm": "yes"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/account/webhooks/")
    with app.app_context():
        assert db.session.get(Webhook, hook_id) is None


def test_deliveries_are_listed_with_their_outcome_and_paged(app, client):
    factories.login(client, factories.user(app, "municipality"))
    _create(client)
    hook_id = _hook_id(app)
    with app.app_context():
        rows = [WebhookDelivery(webhook_id=hook_id, event="ping", payload={}, status="pending",
                                attempts=0, error="") for _ in range(21)]
        rows[-1].status, rows[-1].attempts, rows[-1].response_status = "succeeded", 1, 204
        rows[-2].status, rows[-2].attempts, rows[-2].response_status = "failed", 6, 500
        rows[-2].error = "HTTP 500"
        db.session.add_all(rows)
        db.session.commit()
        newest = rows[-1].id
    page = get_page(client, f"/account/webhooks/{hook_id}")
    shown = page.select("#deliveries tr[data-delivery]")
    assert len(shown) == 20 and shown[0]["data-delivery"] == str(newest)
    assert text(shown[0].select_one(".delivery-response")) == "204"
    assert text(shown[1].select_one(".delivery-attempts")) == "6"
    assert "HTTP 500" in text(shown[1].select_one(".delivery-response"))
    assert page.select_one(".pager") is not None
    second = get_page(client, f"/account/webhooks/{hook_id}?page=2")
    assert len(second.select("#deliveries tr[data-delivery]")) == 1
