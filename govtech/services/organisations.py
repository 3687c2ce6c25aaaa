"""Organisations: approval and suspension by the programme office."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Select, or_, select

from govtech.models import Organisation, OrgKind, OrgState, User
from govtech.services import history, notifications, recommendations, transaction, workflow
from govtech.services.errors import PermissionDenied


def list_query(*, q: str = "", state: str = "", kind: str = "") -> Select[tuple[Organisation]]:
    """Organisations for the approvals list: pending first, then by name."""
    query = select(Organisation)
    if q:
        like = f"%{q.strip()}%"
        query = query.where(or_(Organisation.name.ilike(like),
                                Organisation.description.ilike(like)))
    if state in OrgState.__members__:
        query = query.where(Organisation.state == OrgState(state))
    if kind in OrgKind.__members__:
        query = query.where(Organisation.kind == OrgKind(kind))
    pending_first = (Organisation.state != OrgState.pending)
    return query.order_by(pending_first, Organisation.created_at.desc(), Organisation.id)


def allowed_targets(org: Organisation) -> frozenset[str]:
    """The states a manager may move this organisation to."""
    return workflow.ORGANISATION.get(org.state, frozenset())


def set_state(actor: User, org: Organisation, target: OrgState, note: str = "") -> None:
    """Approve, suspend or reinstate an organisation, with its history event."""
    if not actor.is_manager:
        raise PermissionDenied(_("Only the programme office can approve organisations."))
    workflow.check(workflow.ORGANISATION, org.state, target)
    previous = org.state
    org.state = target
    history.record("organisation", org.id, actor, previous, target, note)
    transaction.commit(_("Someone else changed this organisation. Please reload."))
    notifications.notify(notifications.members(org.id), "org_decided", url="/home",
                         org=org.name, state=target.value)
    if org.kind == OrgKind.startup:
        recommendations.refresh_quietly("startup", org)
