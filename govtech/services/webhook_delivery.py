"""Sending a webhook delivery: sign, POST, record the outcome, retry with backoff.

Each delivery is a background job (`deliver`, queued after the commit that made it). One
attempt is a POST of the JSON body with a short timeout; redirects are not followed. A 2xx
answer is success; anything else (another status, a timeout, a refused connection) is
retried after 1 min, 5 min, 30 min, 2 h and 12 h, and then the delivery has failed.

Retries are not scheduled in the queue (RQ's `enqueue_in` needs a worker started with the
scheduler, and the thread mode has none): `next_attempt_at` is stored, and `deliver_due`
(`flask webhooks deliver-due`, run every minute by cron or a systemd timer, or
`flask webhooks deliver-due --loop`) sends what is due. The first attempt does not wait for it.

Signature: `X-GovTech-Signature: sha256=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>`
with `X-GovTech-Timestamp` (Unix seconds); see docs/WEBHOOKS.md for the receiver's check.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from govtech.extensions import db
from govtech.models.base import utcnow
from govtech.models.webhook import Webhook, WebhookDelivery
from govtech.services import sqltime, transaction, webhooks_urls
from govtech.services.errors import DomainError

TIMEOUT_SECONDS = 5
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
           timedelta(hours=2), timedelta(hours=12))
MAX_ATTEMPTS = len(BACKOFF) + 1  # the first attempt and one after each wait
ERROR_LENGTH = 500
DUE_BATCH = 200


def clock() -> datetime:
    """Now (tests travel in time through this)."""
    return utcnow()


def _aware(value: datetime) -> datetime:
    """A stored time as aware UTC (SQLite gives it back naive)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def body_of(delivery: WebhookDelivery) -> bytes:
    """The JSON body sent: the delivery's id, then the event as stored when it happened."""
    document = {"id": delivery.id, **(delivery.payload or {})}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def headers(delivery: WebhookDelivery, secret: str, body: bytes, now: datetime) -> dict:
    timestamp = str(int(now.timestamp()))
    return {"Content-Type": "application/json", "User-Agent": "GovTech-Accelerator-Webhooks/1",
            "X-GovTech-Event": delivery.event, "X-GovTech-Delivery": str(delivery.id),
            "X-GovTech-Timestamp": timestamp,
            "X-GovTech-Signature": signature(secret, timestamp, body)}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - urllib's signature
        return None  # a 3xx is an answer like any other non-2xx: not followed


_OPENER = urllib.request.build_opener(_NoRedirect)


@dataclass(frozen=True)
class Outcome:
    status: int | None  # the HTTP status, None when no answer came
    error: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(url: str, body: bytes, request_headers: dict) -> Outcome:
    """One attempt. The URL is checked again first (its host may resolve elsewhere now)."""
    try:
        webhooks_urls.check(url)
    except DomainError as refused:
        return Outcome(None, refused.message)
    request = urllib.request.Request(url, data=body, headers=request_headers, method="POST")
    # the scheme is https (http only to localhost when allowed): checked above (bandit B310)
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:  # nosec B310
            return Outcome(response.status)
    except urllib.error.HTTPError as answer:
        return Outcome(answer.code, f"HTTP {answer.code}")
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        return Outcome(None, f"{type(error).__name__}: {reason}"[:ERROR_LENGTH])


def next_wait(attempts: int) -> timedelta | None:
    """How long after its `attempts`-th failed attempt a delivery is tried again (None: never)."""
    return BACKOFF[attempts - 1] if 1 <= attempts <= len(BACKOFF) else None


@transaction.unit_of_work()
def record(delivery_id: int, outcome: Outcome, at: datetime) -> WebhookDelivery | None:
    """Store an attempt's outcome: succeeded, due again after the backoff, or failed."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status != "pending":
        return delivery
    delivery.attempts += 1
    delivery.response_status = outcome.status
    delivery.error = outcome.error[:ERROR_LENGTH]
    if outcome.succeeded:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = "succeeded", at, None
        return delivery
    wait = next_wait(delivery.attempts)
    if wait is None:
        delivery.status, delivery.next_attempt_at = "failed", None
    else:
        delivery.next_attempt_at = at + wait
    return delivery


def attempt(delivery_id: int) -> WebhookDelivery | None:
    """Send one pending delivery now, if it is due and its webhook is active."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    now = clock()
    if delivery is None or delivery.status != "pending":
        return delivery
    if delivery.next_attempt_at is not None and _aware(delivery.next_attempt_at) > now:
        return delivery
    hook = delivery.webhook
    if not hook.active:
        return delivery  # kept pending: sent when the hook is turned on again, if still due
    body = body_of(delivery)
    sent_headers = headers(delivery, hook.secret, body, now)
    url = hook.url
    transaction.abandon()  # no transaction held open while the other server answers
    return record(delivery_id, post(url, body, sent_headers), clock())


def deliver(delivery_id: int) -> None:
    """The background job queued for a new delivery."""
    attempt(delivery_id)


def due_ids(limit: int = DUE_BATCH) -> list[int]:
    return list(db.session.scalars(
        select(WebhookDelivery.id).join(WebhookDelivery.webhook)
        .where(WebhookDelivery.status == "pending", Webhook.active.is_(True),
               WebhookDelivery.next_attempt_at <= sqltime.moment(clock()))
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(limit)))


def deliver_due(limit: int = DUE_BATCH) -> int:
    """Send every delivery whose time has come (the retry schedule); how many were tried."""
    ids = due_ids(limit)
    for delivery_id in ids:
        attempt(delivery_id)
    return len(ids)


