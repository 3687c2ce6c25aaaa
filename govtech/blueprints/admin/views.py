"""The programme office's approvals list and audit log."""
from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech import formatting
from govtech.blueprints import pages
from govtech.blueprints.admin.forms import OrganisationStateForm
from govtech.blueprints.auth.forms import MemberActionForm
from govtech.blueprints.auth.members_pages import member_rows
from govtech.labels import state_label
from govtech.models import AuditEvent, Organisation, OrgState
from govtech.models.base import utcnow
from govtech.services import audit
from govtech.services import members as member_service
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
                           kind=kind, applied=pages.applied_filters())


def _actions(org: Organisation) -> list[dict]:
    """The buttons for the moves the transition table allows from the organisation's state."""
    pending = org.state == OrgState.pending
    labels: dict[str, str] = {OrgState.approved: _("Approve") if pending else _("Reinstate"),
                              OrgState.suspended: _("Decline") if pending else _("Suspend")}
    question = (_("The request of “%(name)s” to join will be declined. Are you sure?",
                  name=org.name) if pending else
                _("“%(name)s” will be suspended: its members are signed out and can no longer "
                  "post or apply. Are you sure?", name=org.name))
    return [{"target": target, "label": labels[target], "danger": target == OrgState.suspended,
             "question": question}
            for target in sorted(org_service.allowed_targets(org))]


@bp.post("/organisations/<int:org_id>/state")
def set_organisation_state(org_id: int):
    org = org_service.get_for_review(current_user, org_id)
    form = OrganisationStateForm()
    if not form.validate_on_submit() or not (form.version.data or "").isdigit():
        flash(_("The request was not valid. Please try again."), "error")
        return redirect(url_for("admin.organisations"))
    if pages.run(pages.confirmed_first(
            lambda: org_service.set_state(current_user, org, OrgState(form.state.data),
                                          form.note.data or "",
                                          expected_version=int(form.version.data)),
            needed=form.state.data == OrgState.suspended.value)):
        flash(_("%(name)s: %(state)s.", name=org.name, state=state_label(org.state)), "success")
    args: dict[str, Any] = request.args.to_dict()  # the first value of each, as before
    return redirect(url_for("admin.organisations", **args))


@bp.get("/organisations/<int:org_id>/members")
def members(org_id: int):
    """An organisation's members, for the programme office (the same buttons as its
    administrator's, and one to make a member its administrator)."""
    org = member_service.organisation_for(current_user, org_id)
    back = url_for("admin.members", org_id=org.id)
    return render_template("auth/members.html", org=org, manage=True, back=back,
                           rows=member_rows(member_service.members_of(org), True),
                           form=MemberActionForm())


@bp.get("/managers")
def managers():
    """The programme office's own accounts: any can be disabled, but never the last one."""
    return render_template("auth/members.html", org=None, manage=True,
                           back=url_for("admin.managers"),
                           rows=member_rows(member_service.managers(), True),
                           form=MemberActionForm())


_AUDIT_FILTERS = ("organisation", "email", "event", "start", "end")


def _audit_filters() -> audit.Filters:
    """The audit page's filters from the query string (a malformed date: 400)."""
    return audit.filters(**{name: request.args.get(name) for name in _AUDIT_FILTERS})


@bp.get("/audit", endpoint="audit")
def audit_page():
    chosen = _audit_filters()
    page = pages.list_page(audit.list_query(current_user, chosen), per_page=50)
    names = audit.organisation_names(current_user)
    args = {name: request.args[name] for name in _AUDIT_FILTERS if request.args.get(name)}
    return render_template("admin/audit.html", page=page, names=names, args=args,
                           applied=pages.applied_filters(search=("email",)),
                           rows=[_audit_row(event, names) for event in page.items],
                           events=[(name, str(label)) for name, label in audit.EVENTS.items()
                                   if label])  # the events written so far


def _audit_row(event: AuditEvent, names: dict[int, str]) -> dict[str, str]:
    """One event as the page and the CSV file show it."""
    target = f"{event.target_type} #{event.target_id}" if event.target_type else ""
    return {"time": formatting.datetime(event.created_at, seconds=True), "actor": event.actor_label,
            "organisation": names.get(event.organisation_id or 0, ""),
            "address": event.address or "", "event": audit.label(event.event),
            "code": event.event, "target": target,
            "detail": json.dumps(event.detail or {}, ensure_ascii=False, sort_keys=True)}


def _cell(value: str) -> str:
    """A value a spreadsheet will not run as a formula (an address tried at login is anyone's
    text): a leading =, +, - or @ gets an apostrophe."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@bp.get("/audit.csv")
def audit_export():
    """The filtered log as CSV (UTF-8 with a byte-order mark, for Excel); the export itself
    is recorded in the log."""
    rows = audit.export(current_user, _audit_filters())
    names = audit.organisation_names(current_user)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_("Time"), _("User"), _("Organisation"), _("IP address"), _("Event"),
                     _("Event code"), _("Affected record"), _("Detail")])
    for event in rows:
        writer.writerow([_cell(value) for value in _audit_row(event, names).values()])
    filename = f"govtech-audit-{utcnow():%Y%m%d}.csv"
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}",
                             "Cache-Control": "no-store"})
