"""Which changes are webhook events, who receives them, and what the event says.

Every state change a service makes writes a history event in its unit of work
(services.history); a webhook event is one of those: a challenge opened (published), a proposal
submitted (received) or accepted/declined (decided), a pair's stage moved, a marketing activity
approved by all three sides. So the events are read from the history rows as they are flushed
(`_on_flush`): no service can make one of these changes without its webhooks hearing of it, and
each delivery row is written in the same transaction as the change — a change that is rolled
back sends nothing, and one that is stored cannot lose its deliveries. The jobs that send them
are queued only after the commit (`transaction.after_commit`).

Recipients: the active webhooks subscribed to the event of the organisations party to it (the
town, the startup) and the programme-wide ones.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import event as sa_event
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from govtech import jobs
from govtech.extensions import db
from govtech.models import Challenge, HistoryEvent, MarketingActivity, Pilot, Proposal
from govtech.models.base import utcnow
from govtech.models.webhook import Webhook, WebhookDelivery
from govtech.services import transaction

# Event names and their labels on the webhook page (ping is the test button's, never subscribed)
EVENTS: dict[str, Any] = {
    "challenge.published": _l("Challenge published"),
    "proposal.received": _l("Proposal received"),
    "proposal.decided": _l("Proposal accepted or declined"),
    "pilot.moved": _l("Pair moved to another stage"),
    "marketing.approved": _l("Marketing activity approved"),
}
PING = "ping"
DELIVER_JOB = "govtech.services.webhook_delivery.deliver"
API = "/api/v1"


def _state(value: object) -> str | None:
    return None if value is None else str(getattr(value, "value", value))


def event_for(entity_type: str, from_state: str | None, to_state: str | None) -> str | None:
    """The webhook event a history row stands for, or None."""
    if entity_type == "challenge" and to_state == "open" and from_state != "open":
        return "challenge.published"
    if entity_type == "proposal" and from_state != to_state:
        if to_state == "submitted" and from_state is None:
            return "proposal.received"
        if to_state in ("accepted", "declined"):
            return "proposal.decided"
    if entity_type == "pilot" and from_state != to_state:
        return "pilot.moved"
    if entity_type == "marketing" and to_state == "approved" and from_state != "approved":
        return "marketing.approved"
    return None


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def describe(subject: Any) -> tuple[dict, tuple[int | None, ...]]:
    """The event's `data` (the object as the API shows it: id, type, url, main fields) and the
    organisations party to it."""
    if isinstance(subject, Challenge):
        return {"id": subject.id, "type": "challenge", "url": f"{API}/challenges/{subject.id}",
                "title": subject.title, "state": _state(subject.state),
                "organisation_id": subject.organisation_id,
                "deadline": subject.deadline.isoformat() if subject.deadline else None,
                "opened_at": _when(subject.opened_at)}, (subject.organisation_id,)
    if isinstance(subject, Proposal):
        town = subject.challenge.organisation_id
        return {"id": subject.id, "type": "proposal", "url": f"{API}/proposals/{subject.id}",
                "challenge_id": subject.challenge_id, "startup_id": subject.startup_id,
                "state": _state(subject.state), "reason": subject.reason or ""}, (
            town, subject.startup_id)
    if isinstance(subject, Pilot):
        town = subject.challenge.organisation_id
        return {"id": subject.id, "type": "pilot", "url": f"{API}/pilots/{subject.id}",
                "challenge_id": subject.challenge_id, "startup_id": subject.startup_id,
                "stage": _state(subject.stage),
                "stage_entered_at": _when(subject.stage_entered_at)}, (town, subject.startup_id)
    if isinstance(subject, MarketingActivity):
        pilot = subject.pilot
        return {"id": subject.id, "type": "marketing_activity",
                "url": f"{API}/marketing/{subject.id}", "pilot_id": subject.pilot_id,
                "kind": _state(subject.kind), "title": subject.title,
                "state": _state(subject.state)}, (pilot.challenge.organisation_id,
                                                  pilot.startup_id)
    raise TypeError(f"no webhook event for {subject!r}")


def recipients(session: Session, event: str, organisations: Iterable[int | None]
               ) -> list[Webhook]:
    """The active webhooks that subscribe to `event`, of these organisations or programme-wide."""
    orgs = [org for org in organisations if org is not None]
    hooks = session.scalars(select(Webhook).where(
        Webhook.active.is_(True),
        or_(Webhook.organisation_id.is_(None), Webhook.organisation_id.in_(orgs)))
        .order_by(Webhook.id))
    return [hook for hook in hooks if event in (hook.events or [])]


def new_delivery(hook: Webhook, event: str, data: dict, session: Session) -> WebhookDelivery:
    """One pending delivery, due now, in the current transaction; its job is queued after the
    commit (outside a unit, `flask webhooks deliver-due` picks it up)."""
    now = utcnow()
    delivery = WebhookDelivery(webhook=hook, event=event, status="pending", attempts=0,
                               next_attempt_at=now, error="", created_at=now,
                               payload={"event": event, "created_at": now.isoformat(),
                                        "data": data})
    session.add(delivery)
    if transaction.in_unit():
        transaction.after_commit(lambda: jobs.enqueue(DELIVER_JOB, delivery.id))
    return delivery


def emit(event: str, subject: Any, session: Session | None = None) -> list[WebhookDelivery]:
    """Record `event` about `subject` for every webhook that should hear of it."""
    session = session or db.session()
    data, parties = describe(subject)
    return [new_delivery(hook, event, data, session)
            for hook in recipients(session, event, parties)]


_SUBJECTS: dict[str, type] = {"challenge": Challenge, "proposal": Proposal, "pilot": Pilot,
                              "marketing": MarketingActivity}


@sa_event.listens_for(Session, "before_flush")
def _on_flush(session: Session, flush_context: object, instances: object) -> None:
    """History rows about to be written that are webhook events become deliveries."""
    for row in [obj for obj in session.new if isinstance(obj, HistoryEvent)]:
        name = event_for(row.entity_type, _state(row.from_state), _state(row.to_state))
        model = _SUBJECTS.get(row.entity_type)
        if name is None or model is None:
            continue
        subject = session.get(model, row.entity_id)
        if subject is not None:
            emit(name, subject, session)
