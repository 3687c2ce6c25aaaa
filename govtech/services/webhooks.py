"""Webhooks: an organisation's administrator registers its own, managers programme-wide ones
(or any organisation's); edit the events, turn off and on, delete, send a test `ping`; the
deliveries with their outcome.

Who: `can_manage` — a manager, or the administrator (`User.is_org_admin`) of that approved
organisation. Everyone else gets a 404 for a hook they may not see. Each change is one unit of
work with a history event ("webhook", id); the secret is generated here and returned once by
`register` (see govtech.models.webhook for why it is stored as it is).
"""
from __future__ import annotations

import secrets

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy import delete as sql_delete
from sqlalchemy.orm import joinedload

from govtech.extensions import db
from govtech.models import Organisation, User
from govtech.models.webhook import Webhook, WebhookDelivery
from govtech.services import (
    access,
    audit,
    history,
    transaction,
    webhooks_events,
    webhooks_urls,
)
from govtech.services.errors import DomainError

EVENTS = webhooks_events.EVENTS
PING = webhooks_events.PING
MAX_PER_OWNER = 10
_STALE = _l("Someone else changed this webhook at the same moment. Please look at it again.")


def can_manage(actor: User | None, org_id: int | None) -> bool:
    """Managers any hook (org_id None: programme-wide); an org administrator their own org's."""
    if access.manager(actor):
        return True
    return bool(actor is not None and actor.is_org_admin and org_id is not None
                and access.acts_for(actor, org_id))


def may_use(actor: User | None) -> bool:
    """Whether the actor has a webhook page at all (the nav link)."""
    return access.manager(actor) or bool(
        actor is not None and actor.is_org_admin and access.own_org_id(actor) is not None)


def owner_of(actor: User) -> int | None:
    """Whose hooks the page lists: the administrator's organisation, None for managers."""
    return None if access.manager(actor) else access.own_org_id(actor)


def get(actor: User, webhook_id: int) -> Webhook:
    hook = db.session.scalar(select(Webhook).options(joinedload(Webhook.organisation))
                             .where(Webhook.id == webhook_id))
    allowed = hook is not None and can_manage(actor, hook.organisation_id)
    return access.visible_or_404(hook, allowed, _("This webhook does not exist."))


def list_for(actor: User) -> list[Webhook]:
    """The actor's hooks: an administrator's organisation's; managers' every hook."""
    access.require(may_use(actor), _("Only an organisation's administrator or the programme "
                                     "office can manage webhooks."))
    query = select(Webhook).options(joinedload(Webhook.organisation)).order_by(Webhook.id)
    org_id = owner_of(actor)
    if org_id is not None:
        query = query.where(Webhook.organisation_id == org_id)
    return list(db.session.scalars(query))


def deliveries_query(hook: Webhook) -> Select[tuple[WebhookDelivery]]:
    """A hook's deliveries, newest first (the caller got the hook through `get`)."""
    return (select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id)
            .order_by(WebhookDelivery.id.desc()))


def _events(chosen: list[str] | tuple[str, ...]) -> list[str]:
    events = [name for name in EVENTS if name in set(chosen or ())]
    unknown = set(chosen or ()) - set(EVENTS)
    if unknown or not events:
        raise DomainError(_("Choose at least one event."), field="events")
    return events


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


@transaction.unit_of_work(_STALE)
def register(actor: User, url: str, events: list[str], *, programme_wide: bool = False
             ) -> tuple[Webhook, str]:
    """A new active webhook and its secret (shown to the user this once)."""
    org_id = None if programme_wide else owner_of(actor)
    access.require(may_use(actor) and can_manage(actor, org_id),
                   _("Only an organisation's administrator or the programme office can manage "
                     "webhooks."))
    clean = webhooks_urls.check(url)
    chosen = _events(events)
    count = len([hook for hook in list_for(actor) if hook.organisation_id == org_id])
    if count >= MAX_PER_OWNER:
        raise DomainError(_("You have as many webhooks as you may (%(n)d). Delete one first.",
                            n=MAX_PER_OWNER))
    secret = new_secret()
    hook = Webhook(organisation_id=org_id, url=clean, events=chosen, secret=secret,
                   active=True, created_by=actor)
    db.session.add(hook)
    db.session.flush()
    history.record("webhook", hook.id, actor, None, "active", clean)
    audit.record("webhook.created", actor=actor, organisation_id=org_id, target=hook, url=clean)
    return hook, secret


@transaction.unit_of_work(_STALE)
def update(actor: User, webhook_id: int, *, url: str, events: list[str],
           expected_version: int | None) -> Webhook:
    hook = get(actor, webhook_id)
    transaction.check_version(hook, expected_version)
    hook.url = webhooks_urls.check(url)
    hook.events = _events(events)
    history.record("webhook", hook.id, actor, _state(hook), _state(hook),
                   ", ".join(hook.events))
    return hook


def _state(hook: Webhook) -> str:
    return "active" if hook.active else "disabled"


@transaction.unit_of_work(_STALE)
def set_active(actor: User, webhook_id: int, active: bool, *,
               expected_version: int | None = None) -> Webhook:
    """Turn a hook off (nothing is sent; pending deliveries wait) or on again."""
    hook = get(actor, webhook_id)
    transaction.check_version(hook, expected_version)
    if hook.active == active:
        return hook
    previous = _state(hook)
    hook.active = active
    history.record("webhook", hook.id, actor, previous, _state(hook))
    return hook


@transaction.unit_of_work(_STALE)
def delete(actor: User, webhook_id: int, *, expected_version: int | None = None) -> None:
    """Delete a hook and its deliveries."""
    hook = get(actor, webhook_id)
    transaction.check_version(hook, expected_version)
    history.record("webhook", hook.id, actor, _state(hook), "deleted", hook.url)
    audit.record("webhook.deleted", actor=actor, organisation_id=hook.organisation_id,
                 target=hook, url=hook.url)
    db.session.execute(sql_delete(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id))
    db.session.delete(hook)


@transaction.unit_of_work(_STALE)
def ping(actor: User, webhook_id: int) -> WebhookDelivery:
    """A test delivery (`ping`), sent at once by the background worker."""
    hook = get(actor, webhook_id)
    if not hook.active:
        raise DomainError(_("Turn the webhook on before sending a test."))
    data = {"type": "ping", "webhook_id": hook.id,
            "message": "Test delivery from the GovTech Accelerator."}
    delivery = webhooks_events.new_delivery(hook, PING, data, db.session())
    db.session.flush()
    return delivery


def organisation_name(org: Organisation | None) -> str:
    return org.name if org is not None else _("Programme-wide")
