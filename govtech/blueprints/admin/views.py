"""The programme office's approvals list."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech.blueprints import pages
from govtech.blueprints.admin.forms import OrganisationStateForm
from govtech.labels import state_label
from govtech.models import Organisation, OrgState
from govtech.services import organisations as org_service

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/organisations")
def organisations():
    q = request.args.get("q", "")
    state = request.args.get("state", "")
    kind = request.args.get("kind", "")
    page = pages.list_page(org_service.list_query(q=q, state=state, kind=kind))
    rows = [{"org": org, "actions": _actions(org)} for org in page.items]
    return render_template("admin/organisations.html", page=page, rows=rows, q=q, state=state,
                           kind=kind)


def _actions(org: Organisation) -> list[dict]:
    """The buttons for the moves the transition table allows from the organisation's state."""
    pending = org.state == OrgState.pending
    labels: dict[str, str] = {OrgState.approved: _("Approve") if pending else _("Reinstate"),
                              OrgState.suspended: _("Decline") if pending else _("Suspend")}
    return [{"target": target, "label": labels[target], "danger": target == OrgState.suspended}
            for target in sorted(org_service.allowed_targets(org))]


@bp.post("/organisations/<int:org_id>/state")
def set_organisation_state(org_id: int):
    org = org_service.get_for_review(current_user, org_id)
    form = OrganisationStateForm()
    if not form.validate_on_submit() or not (form.version.data or "").isdigit():
        flash(_("The request was not valid. Please try again."), "error")
        return redirect(url_for("admin.organisations"))
    if pages.run(lambda: org_service.set_state(current_user, org, OrgState(form.state.data),
                                               form.note.data or "",
                                               expected_version=int(form.version.data))):
        flash(_("%(name)s: %(state)s.", name=org.name, state=state_label(org.state)), "success")
    args: dict[str, Any] = request.args.to_dict()  # the first value of each, as before
    return redirect(url_for("admin.organisations", **args))
