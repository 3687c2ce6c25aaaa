"""An organisation's members: the list, and the buttons of its administrator and of managers.

The managers' view of an organisation's members (and of the managers themselves) is in the
admin blueprint; both post to `member_action`. A refused action (a stale form, someone not in
one's organisation, the last manager) raises the service's error, which the error handler
shows with its message and status (409, 404, 400), and nothing changes.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from govtech.blueprints.auth import forms
from govtech.blueprints.auth.views import bp
from govtech.blueprints.public.views import safe_next
from govtech.services import access, members

_DONE = {"disable": _l("The member has been disabled and signed out everywhere."),
         "enable": _l("The member has been re-enabled."),
         "promote": _l("The member is now the organisation's administrator."),
         "resend": _l("The invitation has been sent again."),
         "revoke": _l("The invitation has been withdrawn.")}


# Actions that take something away: their button sits under 「その他の操作」 with a box to tick.
CONFIRMED = ("disable", "revoke")


def member_rows(users, manage: bool) -> list[dict]:
    """The list's rows with the buttons this viewer may press (flags, never role strings)."""
    rows = []
    for user in users:
        state = members.state_of(user)
        actions = []
        if manage and user.id != current_user.id:
            actions = {"active": ["disable"], "disabled": ["enable"],
                       "invited": ["resend", "revoke"]}[state]
            if access.manager(current_user) and user.organisation_id \
                    and not user.is_org_admin and state == "active":
                actions = [*actions, "promote"]
        rows.append({"user": user, "state": state, "actions": actions})
    return rows


@bp.get("/account/members", endpoint="members")
def members_list():
    org = members.organisation_for(current_user, current_user.organisation_id)
    manage = members.can_manage(current_user, org.id)
    return render_template("auth/members.html", org=org, manage=manage,
                           rows=member_rows(members.members_of(org), manage),
                           form=forms.MemberActionForm(), back=url_for("auth.members"))


@bp.post("/account/members/action")
def member_action():
    form = forms.MemberActionForm()
    if not form.validate_on_submit():
        flash(_("The request was not valid. Please try again."), "error")
        return redirect(url_for("auth.members" if current_user.organisation_id
                                else "admin.managers"))
    action = members.ACTIONS.get(form.action.data)
    if action is None:  # pragma: no cover - the form's choices are the actions
        abort(400)
    fallback = url_for("auth.members" if current_user.organisation_id
                       else "admin.managers")
    if form.action.data in CONFIRMED and request.form.get("confirm") != "yes":
        flash(_("Nothing was changed: tick the box to confirm first."), "error")
        return redirect(safe_next(request.form.get("next"), fallback))
    action(current_user, form.user.data, form.seen.data)  # a refusal: its page and status
    flash(str(_DONE[form.action.data]), "success")
    return redirect(safe_next(request.form.get("next"), fallback))
