"""The programme office's approvals list."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech.blueprints.admin.forms import OrganisationStateForm
from govtech.extensions import db
from govtech.labels import state_label
from govtech.models import Organisation, OrgState
from govtech.services import organisations as org_service
from govtech.services.errors import DomainError

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/organisations")
def organisations():
    q = request.args.get("q", "")
    state = request.args.get("state", "")
    kind = request.args.get("kind", "")
    page = db.paginate(org_service.list_query(q=q, state=state, kind=kind),
                       per_page=20, error_out=False)
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
    org = db.get_or_404(Organisation, org_id)
    form = OrganisationStateForm()
    if not form.validate_on_submit():
        flash(_("The request was not valid. Please try again."), "error")
        return redirect(url_for("admin.organisations"))
    if str(org.version) != form.version.data:
        flash(_("%(name)s was changed by someone else meanwhile; please check it again.",
                name=org.name), "error")
        return redirect(url_for("admin.organisations"))
    try:
        org_service.set_state(current_user, org, OrgState(form.state.data), form.note.data or "")
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("%(name)s: %(state)s.", name=org.name, state=state_label(org.state)), "success")
    args: dict[str, Any] = request.args.to_dict()  # the first value of each, as before
    return redirect(url_for("admin.organisations", **args))
