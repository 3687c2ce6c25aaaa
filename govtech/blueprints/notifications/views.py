"""Notifications: the list, marking as read, and how often to be mailed."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from govtech.blueprints import pages
from govtech.services import actions, notifications

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("/")
def list_notifications():
    """Grouped by pairing; `?filter=action` (要対応) keeps those whose subject still waits for
    this user (the pages of the action list)."""
    to_do = actions.for_user(current_user)
    waiting = {notifications.page_of(item.url): (item.verb, item.url) for item in to_do.mine}
    needs_action = request.args.get("filter") == "action"
    query = notifications.list_query(current_user, waiting if needs_action else None)
    page = pages.list_page(query, per_page=30)
    groups = notifications.grouped(current_user, list(page.items), waiting)
    return render_template("notifications/list.html", page=page, groups=groups,
                           needs_action=needs_action)


@bp.post("/<int:note_id>/read")
def read(note_id: int):
    """Opening a notification marks it read and goes where it points."""
    note = notifications.mark_read(current_user, note_id)
    target = note.url if note and note.url.startswith("/") and not note.url.startswith("//") \
        else url_for("notifications.list_notifications")
    anchor = request.form.get("anchor", "")  # the part of the page where the action is done
    if anchor.replace("-", "_").isidentifier():
        target = f"{target.split('#', 1)[0]}#{anchor}"
    return redirect(target)


@bp.post("/read-all")
def read_all():
    if FlaskForm().validate_on_submit():
        notifications.mark_read(current_user)
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.list_notifications"))


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    current = notifications.preferences(current_user)
    if request.method == "POST" and FlaskForm().validate_on_submit():
        choices = {kind: request.form.get(f"kind-{kind}", value) for kind, value in current.items()}
        if not pages.run(lambda: notifications.set_preferences(current_user, choices),
                         _("Your notification settings are saved.")):
            return render_template("notifications/settings.html", rows=_rows(choices)), 400
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", rows=_rows(current))


def _rows(chosen: dict[str, str]) -> list[dict]:
    return [{"kind": kind, "label": str(label), "value": chosen.get(kind, "immediate")}
            for kind, (label, _text) in notifications.KINDS.items()]
