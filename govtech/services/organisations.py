"""Organisations: approval and suspension by the programme office."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from govtech.extensions import db
from govtech.models import Organisation, OrgKind, OrgState, User
from govtech.models.session import SessionEnd
from govtech.services import (
    access,
    audit,
    history,
    listsearch,
    notifications,
    recommendations,
    sessions,
    transaction,
    workflow,
)


def _require_manager(actor: User | None) -> None:
    access.require(access.manager(actor),
                   _("Only the programme office can approve organisations."))


def get_for_review(actor: User, org_id: int) -> Organisation:
    """An organisation for the programme office's approvals page."""
    _require_manager(actor)
    return access.visible_or_404(db.session.get(Organisation, org_id), True,
                                 _("This organisation does not exist."))


def list_query(*, q: str = "", state: str = "", kind: str = "") -> Select[tuple[Organisation]]:
    """Organisations for the approvals list: pending first, then by name."""
    query = select(Organisation).where(
        listsearch.words_match(q, Organisation.name, Organisation.description))
    if state in OrgState.__members__:
        query = query.where(Organisation.state == OrgState(state))
    if kind in OrgKind.__members__:
        query = query.where(Organisation.kind == OrgKind(kind))
    pending_first = (Organisation.state != OrgState.pending)
    return query.order_by(pending_first, Organisation.created_at.desc(), Organisation.id)


def allowed_targets(org: Organisation) -> frozenset[str]:
    """The states a manager may move this organisation to."""
    return workflow.ORGANISATION.get(org.state, frozenset())


@transaction.unit_of_work(_l("Someone else changed this organisation. Please reload."))
def set_state(actor: User, org: Organisation, target: OrgState, note: str = "", *,
              expected_version: int | None = None) -> None:
    """Approve, suspend or reinstate an organisation, with its history event."""
    _require_manager(actor)
    transaction.check_version(org, expected_version)
    workflow.check(workflow.ORGANISATION, org.state, target)
    previous = org.state
    org.state = target
    history.record("organisation", org.id, actor, previous, target, note)
    audit.record(f"organisation.{target.value}", actor=actor, organisation_id=org.id,
                 target=org, previous=previous.value, note=note or None)
    notifications.notify(notifications.members(org.id), "org_decided", url="/home",
                         org=org.name, state=target.value)
    if target == OrgState.suspended:  # access is withdrawn at once, not at the next login
        for member in org.users:
            sessions.end_all(member, SessionEnd.DISABLED, actor=actor)
    if org.kind == OrgKind.startup:
        transaction.after_commit(lambda: recommendations.refresh_quietly("startup", org))
