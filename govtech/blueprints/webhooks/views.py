"""Webhooks: the list and the form to add one, one hook's page (edit, test, turn off, delete)
with its deliveries. Who may do what is services.webhooks' decision."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from govtech.blueprints import pages
from govtech.blueprints.webhooks.forms import WebhookForm
from govtech.services import access, webhooks

bp = Blueprint("webhooks", __name__, url_prefix="/account/webhooks")


def _list_page(form: WebhookForm, status: int = 200):
    hooks = webhooks.list_for(current_user)
    return render_template("webhooks/list.html", hooks=hooks, form=form,
                           manager=access.manager(current_user),
                           owner=webhooks.organisation_name(current_user.organisation)), status


@bp.get("/")
def list_webhooks():
    form = WebhookForm(formdata=None)
    form.events.data = list(webhooks.EVENTS)
    return _list_page(form)


@bp.post("/")
def create():
    form = WebhookForm()
    made = pages.save(form, lambda: webhooks.register(
        current_user, form.url.data or "", form.events.data or [],
        programme_wide=bool(form.programme_wide.data)))
    if made is None:
        return _list_page(form, pages.refusal_status(form))
    hook, secret = made
    # shown on this response only: never stored in the session, a flash or a later page
    return render_template("webhooks/created.html", hook=hook, secret=secret)


def _version(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _hook_page(hook, form: WebhookForm, status: int = 200):
    page = pages.list_page(webhooks.deliveries_query(hook), per_page=20)
    return render_template("webhooks/show.html", hook=hook, form=form, page=page,
                           owner=webhooks.organisation_name(hook.organisation),
                           labels=webhooks.EVENTS), status


@bp.route("/<int:webhook_id>", methods=["GET", "POST"])
def show_webhook(webhook_id: int):
    hook = webhooks.get(current_user, webhook_id)
    form = WebhookForm(obj=None if request.method == "POST" else hook)
    if request.method == "POST":
        saved = pages.save(form, lambda: webhooks.update(
            current_user, hook.id, url=form.url.data or "", events=form.events.data or [],
            expected_version=_version(form.version.data)),
            _("The webhook is saved."))
        if saved is not None:
            return redirect(url_for("webhooks.show_webhook", webhook_id=hook.id))
        return _hook_page(hook, form, pages.refusal_status(form))
    form.version.data = hook.version
    return _hook_page(hook, form)


@bp.post("/<int:webhook_id>/ping")
def ping(webhook_id: int):
    webhooks.get(current_user, webhook_id)  # 404 for a hook the user may not see
    if FlaskForm().validate_on_submit():
        pages.run(lambda: webhooks.ping(current_user, webhook_id),
                  _("A test event (ping) is on its way. Its outcome appears in the list below."))
    return redirect(url_for("webhooks.show_webhook", webhook_id=webhook_id))


@bp.post("/<int:webhook_id>/active")
def set_active(webhook_id: int):
    webhooks.get(current_user, webhook_id)
    turn_on = request.form.get("active") == "1"
    if FlaskForm().validate_on_submit():
        pages.run(pages.confirmed_first(
            lambda: webhooks.set_active(current_user, webhook_id, turn_on), not turn_on),
            _("The webhook is on.") if turn_on else _("The webhook is off: nothing is sent."))
    return redirect(url_for("webhooks.show_webhook", webhook_id=webhook_id))


@bp.post("/<int:webhook_id>/delete")
def delete(webhook_id: int):
    webhooks.get(current_user, webhook_id)
    if FlaskForm().validate_on_submit() and pages.run(pages.confirmed_first(
            lambda: webhooks.delete(current_user, webhook_id)), _("The webhook is deleted.")):
        return redirect(url_for("webhooks.list_webhooks"))
    return redirect(url_for("webhooks.show_webhook", webhook_id=webhook_id))
