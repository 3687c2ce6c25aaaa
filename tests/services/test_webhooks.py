"""Webhooks (issue 14 item 6): who may register, URL checks, the events each service emits on
real transitions (and not on a rolled-back one), signatures as docs/WEBHOOKS.md verifies them,
delivery to a local server, retry with backoff and failure after the last attempt."""
from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

from govtech import jobs
from govtech.extensions import db
from govtech.models import Challenge, ChallengeState, Pilot, User
from govtech.models.webhook import Webhook, WebhookDelivery
from govtech.services import challenges, transaction, webhook_delivery, webhooks, webhooks_events
from govtech.services.errors import DomainError, NotFound, PermissionDenied
from tests import factories
from tests.clock import travel

ROOT = Path(__file__).resolve().parents[2]
ALL = list(webhooks.EVENTS)


def _verify_snippet():
    """The verification function of docs/WEBHOOKS.md, run as written."""
    text = (ROOT / "docs" / "WEBHOOKS.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "WEBHOOKS.md", "exec"), namespace)  # noqa: S102 - our own document
    return namespace["verify"]


class Receiver:
    """A local HTTP server on 127.0.0.1 answering with the statuses it is given, in turn."""

    def __init__(self, statuses=(200,)):
        self.statuses, self.received = list(statuses), []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((self.headers, body))  # case-insensitive
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 \
                    else receiver.statuses[0]
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made: list[Receiver] = []

    def start(statuses=(200,)):
        made.append(Receiver(statuses))
        return made[-1]

    yield start
    for one in made:
        one.close()


@pytest.fixture
def queued(monkeypatch):
    """The delivery jobs queued after each commit (not run): the events alone are tested."""
    ids: list[int] = []
    monkeypatch.setattr(webhooks_events.jobs, "enqueue", lambda path, *args: ids.append(args[0]))
    return ids


def _later() -> datetime:
    return datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)


def _utc(value: datetime | None) -> datetime | None:
    """A stored time as aware UTC (SQLite gives it back naive)."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _user(record) -> User:
    return db.session.get(User, record.id)


def _hook(record, url="https://example.com/hook", events=ALL, **kw) -> Webhook:
    hook, _secret = webhooks.register(_user(record), url, events, **kw)
    return hook


def _events_of(hook_id: int) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookDelivery.event).where(
        WebhookDelivery.webhook_id == hook_id).order_by(WebhookDelivery.id)))


@pytest.fixture
def people(app, ctx):
    return {"town": factories.user(app, "municipality"), "startup": factories.user(app, "startup"),
            "manager": factories.user(app, "manager"),
            "other": factories.user(app, "municipality")}


# --- who, and which addresses ----------------------------------------------------------------

def test_administrators_and_managers_register_others_may_not(app, people):
    town = people["town"]
    hook, secret = webhooks.register(_user(town), "http://127.0.0.1:9/x", ["challenge.published"])
    assert hook.organisation_id == town.org_id and hook.active and hook.events == [
        "challenge.published"]
    assert secret.startswith("whsec_") and len(secret) > 40 and hook.secret == secret
    wide = _hook(people["manager"], "http://localhost:9/x", programme_wide=True)
    assert wide.organisation_id is None
    colleague = factories.user(app, "municipality", org_id=town.org_id)
    with pytest.raises(PermissionDenied):  # a member who is not the administrator
        webhooks.register(_user(colleague), "http://127.0.0.1:9/x", ALL)
    with pytest.raises(NotFound):  # another organisation's hook does not exist for them
        webhooks.get(_user(people["other"]), hook.id)
    with pytest.raises(NotFound):
        webhooks.delete(_user(colleague), hook.id)
    assert [h.id for h in webhooks.list_for(_user(people["manager"]))] == [hook.id, wide.id]
    assert [h.id for h in webhooks.list_for(_user(town))] == [hook.id]


@pytest.mark.parametrize("url, message", [
    ("http://example.com/hook", "https://"),
    ("ftp://example.com/hook", "https://"),
    ("https://user:pw@example.com/hook", "ユーザー名やパスワード"),
    ("https://10.0.0.5/hook", "プライベートまたはローカル"),
    ("https://192.168.1.1/hook", "プライベートまたはローカル"),
    ("https://169.254.169.254/latest", "プライベートまたはローカル"),
    ("", "送信先URLを入力"),
])
def test_addresses_refused_each_with_its_reason(people, url, message):
    with pytest.raises(DomainError, match=message) as refused:
        webhooks.register(_user(people["town"]), url, ALL)
    assert refused.value.field == "url"
    assert db.session.scalars(select(Webhook)).all() == []


def test_local_addresses_only_when_allowed(app, people):
    """Tests and development may use http://127.0.0.1; production refuses it (SSRF)."""
    app.config["WEBHOOK_ALLOW_LOCAL"] = False
    try:
        for url in ("http://127.0.0.1:8000/hook", "https://127.0.0.1/hook",
                    "https://localhost/hook", "https://[::1]/hook"):
            with pytest.raises(DomainError):
                webhooks.register(_user(people["town"]), url, ALL)
    finally:
        app.config.pop("WEBHOOK_ALLOW_LOCAL")
    assert _hook(people["town"], "http://127.0.0.1:8000/hook").url.startswith("http://127.")


def test_events_must_be_chosen_and_known(people):
    with pytest.raises(DomainError, match="イベントを1つ以上"):
        webhooks.register(_user(people["town"]), "http://127.0.0.1:9/x", [])
    with pytest.raises(DomainError):
        webhooks.register(_user(people["town"]), "http://127.0.0.1:9/x", ["user.deleted"])


def test_edit_turn_off_and_delete_with_history(people, queued):
    town = _user(people["town"])
    hook = _hook(people["town"], "http://127.0.0.1:9/a")
    webhooks.update(town, hook.id, url="http://127.0.0.1:9/b", events=["pilot.moved"],
                    expected_version=hook.version)
    assert (hook.url, hook.events) == ("http://127.0.0.1:9/b", ["pilot.moved"])
    with pytest.raises(DomainError):  # a stale form
        webhooks.update(town, hook.id, url="http://127.0.0.1:9/c", events=ALL,
                        expected_version=1)
    webhooks.set_active(town, hook.id, False)
    with pytest.raises(DomainError, match="テスト送信の前に"):
        webhooks.ping(town, hook.id)
    webhooks.set_active(town, hook.id, True)
    delivery = webhooks.ping(town, hook.id)
    assert delivery.event == "ping" and queued == [delivery.id]
    webhooks.delete(town, hook.id)
    assert db.session.scalars(select(WebhookDelivery)).all() == []
    from govtech.services import history
    states = [(e.from_state, e.to_state) for e in history.timeline("webhook", hook.id)]
    assert states == [(None, "active"), ("active", "active"), ("active", "disabled"),
                      ("disabled", "active"), ("active", "deleted")]


# --- events on real transitions ------------------------------------------------------------

def test_each_service_emits_its_events_to_the_parties_and_programme(app, people, queued):
    town, startup, manager = people["town"], people["startup"], people["manager"]
    town_hook = _hook(town, "http://127.0.0.1:9/town")
    startup_hook = _hook(startup, "http://127.0.0.1:9/startup")
    wide = _hook(manager, "http://127.0.0.1:9/office", programme_wide=True)
    other = _hook(people["other"], "http://127.0.0.1:9/other")
    only_moves = _hook(town, "http://127.0.0.1:9/moves", events=["pilot.moved"])

    challenge_id = factories.challenge(app, town, state="open")
    proposal_id = factories.proposal(app, startup, challenge_id, state="accepted",
                                     reviewer=town)
    pilot_id = db.session.scalar(select(Pilot.id))
    factories.move_pilot(app, town, pilot_id, "agreement")
    activity = factories.marketing(app, pilot_id, town, startup, manager, state="approved")

    assert _events_of(town_hook.id) == [
        "challenge.published", "proposal.received", "proposal.decided", "pilot.moved",
        "pilot.moved", "marketing.approved"]
    assert _events_of(startup_hook.id) == [  # not the challenge: it is not a party to it yet
        "proposal.received", "proposal.decided", "pilot.moved", "pilot.moved",
        "marketing.approved"]
    assert _events_of(wide.id) == _events_of(town_hook.id)
    assert _events_of(other.id) == []  # another town hears nothing of this pair
    assert _events_of(only_moves.id) == ["pilot.moved", "pilot.moved"]
    # shortlisting is neither received nor decided; every delivery's job was queued
    assert len(queued) == len(db.session.scalars(select(WebhookDelivery)).all())

    decided = db.session.scalars(select(WebhookDelivery).where(
        WebhookDelivery.webhook_id == wide.id, WebhookDelivery.event == "proposal.decided")).one()
    assert decided.payload["data"] == {
        "id": proposal_id, "type": "proposal", "url": f"/api/v1/proposals/{proposal_id}",
        "challenge_id": challenge_id, "startup_id": startup.org_id, "state": "accepted",
        "reason": "予算に合わないため"}  # the factory gives every move this note
    approved = db.session.scalars(select(WebhookDelivery).where(
        WebhookDelivery.webhook_id == wide.id, WebhookDelivery.event == "marketing.approved")
    ).one()
    assert approved.payload["data"]["id"] == activity
    assert approved.payload["data"]["state"] == "approved"


def test_a_rolled_back_change_emits_nothing(app, people, queued):
    hook = _hook(people["town"], "http://127.0.0.1:9/town")
    challenge_id = factories.challenge(app, people["town"], state="draft")

    @transaction.unit_of_work()
    def open_then_fail():
        challenges.transition(_user(people["town"]), db.session.get(Challenge, challenge_id),
                              ChallengeState.open)
        raise DomainError("something later failed")

    with pytest.raises(DomainError):
        open_then_fail()
    assert _events_of(hook.id) == [] and queued == []
    assert db.session.get(Challenge, challenge_id).state == ChallengeState.draft
    challenges.transition(_user(people["town"]), db.session.get(Challenge, challenge_id),
                          ChallengeState.open)
    assert _events_of(hook.id) == ["challenge.published"] and len(queued) == 1


def test_a_turned_off_hook_hears_nothing(app, people, queued):
    hook = _hook(people["town"], "http://127.0.0.1:9/town")
    webhooks.set_active(_user(people["town"]), hook.id, False)
    factories.challenge(app, people["town"], state="open")
    assert _events_of(hook.id) == [] and queued == []


# --- delivery ----------------------------------------------------------------------------------

def test_a_local_server_receives_a_signed_delivery_and_verifies_it(app, people, receiver):
    server = receiver([204])
    hook, secret = webhooks.register(_user(people["town"]), server.url, ["challenge.published"])
    challenge_id = factories.challenge(app, people["town"], state="open")
    jobs.wait_for_threads()  # the job queued after the commit (a thread without Redis)
    assert len(server.received) == 1
    headers, body = server.received[0]
    verify = _verify_snippet()
    document = verify(secret, headers["X-GovTech-Timestamp"], body,
                      headers["X-GovTech-Signature"], now=int(headers["X-GovTech-Timestamp"]))
    delivery = db.session.scalars(select(WebhookDelivery)).one()
    db.session.refresh(delivery)
    assert document["id"] == delivery.id and document["event"] == "challenge.published"
    assert document["data"]["id"] == challenge_id and document["data"]["type"] == "challenge"
    assert headers["X-GovTech-Event"] == "challenge.published"
    assert headers["X-GovTech-Delivery"] == str(delivery.id)
    assert headers["Content-Type"] == "application/json"
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("succeeded", 1, 204)
    assert delivery.delivered_at is not None and delivery.next_attempt_at is None
    # a forged body, a wrong secret or an old timestamp fail the documented check
    with pytest.raises(ValueError):
        verify(secret, headers["X-GovTech-Timestamp"], body + b" ",
               headers["X-GovTech-Signature"], now=int(headers["X-GovTech-Timestamp"]))
    with pytest.raises(ValueError):
        verify("whsec_wrong", headers["X-GovTech-Timestamp"], body,
               headers["X-GovTech-Signature"], now=int(headers["X-GovTech-Timestamp"]))
    with pytest.raises(ValueError):
        verify(secret, headers["X-GovTech-Timestamp"], body, headers["X-GovTech-Signature"],
               now=int(headers["X-GovTech-Timestamp"]) + 600)


def test_retried_with_backoff_after_a_500_then_delivered(app, people, receiver, monkeypatch):
    server = receiver([500, 200])
    start = _later()  # the ping is due at once (real now), so due on the frozen clock
    clock = travel(monkeypatch, webhook_delivery, start)
    monkeypatch.setattr(webhooks_events.jobs, "enqueue", lambda *args: None)
    hook = _hook(people["town"], server.url)
    delivery = webhooks.ping(_user(people["town"]), hook.id)
    assert webhook_delivery.deliver_due() == 1
    db.session.refresh(delivery)
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("pending", 1, 500)
    assert _utc(delivery.next_attempt_at) == start + timedelta(minutes=1)
    assert "HTTP 500" in delivery.error
    clock.advance(seconds=59)
    assert webhook_delivery.deliver_due() == 0  # not due yet
    clock.advance(seconds=1)
    assert webhook_delivery.deliver_due() == 1
    db.session.refresh(delivery)
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("succeeded", 2, 200)
    assert len(server.received) == 2
    assert server.received[0][1] == server.received[1][1]  # the same body, the same id


def test_failed_after_the_last_attempt(app, people, receiver, monkeypatch):
    server = receiver([503])
    start = _later()  # the ping is due at once (real now), so due on the frozen clock
    clock = travel(monkeypatch, webhook_delivery, start)
    monkeypatch.setattr(webhooks_events.jobs, "enqueue", lambda *args: None)
    hook = _hook(people["town"], server.url)
    delivery = webhooks.ping(_user(people["town"]), hook.id)
    waits = []
    for _ in range(webhook_delivery.MAX_ATTEMPTS):
        assert webhook_delivery.deliver_due() == 1
        db.session.refresh(delivery)
        if delivery.next_attempt_at is not None:
            waits.append(_utc(delivery.next_attempt_at) - clock.now)
            clock.now = _utc(delivery.next_attempt_at)
    assert waits == list(webhook_delivery.BACKOFF)
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("failed", 6, 503)
    assert delivery.next_attempt_at is None
    clock.advance(days=2)
    assert webhook_delivery.deliver_due() == 0 and len(server.received) == 6


def test_redirects_are_not_followed_and_refused_addresses_not_called(app, people, receiver,
                                                                      monkeypatch):
    server = receiver([302])
    monkeypatch.setattr(webhooks_events.jobs, "enqueue", lambda *args: None)
    hook = _hook(people["town"], server.url)
    delivery = webhooks.ping(_user(people["town"]), hook.id)
    webhook_delivery.attempt(delivery.id)
    db.session.refresh(delivery)
    assert (delivery.status, delivery.response_status) == ("pending", 302)
    assert len(server.received) == 1
    app.config["WEBHOOK_ALLOW_LOCAL"] = False  # e.g. a host that resolves elsewhere now
    try:
        outcome = webhook_delivery.post(server.url, b"{}", {})
    finally:
        app.config.pop("WEBHOOK_ALLOW_LOCAL")
    assert outcome.status is None and "https://" in outcome.error and len(server.received) == 1


def test_signature_is_hmac_over_timestamp_and_body():
    body = json.dumps({"id": 1}).encode()
    signed = webhook_delivery.signature("whsec_x", "1700000000", body)
    import hashlib
    import hmac
    assert signed == "sha256=" + hmac.new(b"whsec_x", b"1700000000." + body,
                                          hashlib.sha256).hexdigest()
    assert _verify_snippet()("whsec_x", "1700000000", body, signed, now=1700000100) == {"id": 1}
