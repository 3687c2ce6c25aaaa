"""The checklist's records, waivers, undos and due dates on the pair's page, and the 協定書
draft to download (issue 17, part 3). Each form names its item in a hidden `key`; its fields
are prefixed with the key, so every item's forms sit on the one page with unique ids."""
from __future__ import annotations

from io import BytesIO

from flask import flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from govtech.blueprints import pages
from govtech.blueprints.pilots.forms import CHECKLIST_FORMS, ReopenForm
from govtech.blueprints.pilots.views import _page, bp
from govtech.services import agreement_doc, checklist, pilots

_DONE = {"record": _l("The record is saved."), "waive": _l("The item is waived."),
         "due": _l("The due date is saved.")}


def _back(pilot_id: int):
    return redirect(url_for("pilots.show_pilot", pilot_id=pilot_id, _anchor="checklist"))


def _checklist_form(pilot_id: int, kind: str):
    pilot = pilots.get_visible(current_user, pilot_id)
    key = request.form.get("key", "")
    if key not in checklist.KEYS:  # not sent from our page
        flash(_("The request was not valid. Please try again."), "error")
        return _back(pilot_id)
    form = CHECKLIST_FORMS[kind](prefix=f"{key}-{kind}")
    actions = {
        "record": lambda: checklist.record(current_user, pilot, key, body=form.body.data or "",
                                           recorded_on=form.recorded_on.data,
                                           amount=form.amount.data),
        "waive": lambda: checklist.waive(current_user, pilot, key, form.reason.data or ""),
        "due": lambda: checklist.set_due(current_user, pilot, key, form.due_on.data),
    }
    if pages.submit(form, actions[kind], str(_DONE[kind])):
        return _back(pilot_id)
    if key not in checklist.changeable(current_user, pilot):  # the page shows no form to
        for error in form.form_errors:  # hold the refusal (not this side's item, or frozen)
            flash(error, "error")
    return _page(pilot, pages.refusal_status(form), checklist_form=(kind, key, form))


@bp.post("/<int:pilot_id>/checklist/record")
def record_item(pilot_id: int):
    return _checklist_form(pilot_id, "record")


@bp.post("/<int:pilot_id>/checklist/waive")
def waive_item(pilot_id: int):
    return _checklist_form(pilot_id, "waive")


@bp.post("/<int:pilot_id>/checklist/due")
def set_item_due(pilot_id: int):
    return _checklist_form(pilot_id, "due")


@bp.post("/<int:pilot_id>/checklist/reopen")
def reopen_item(pilot_id: int):
    pilot = pilots.get_visible(current_user, pilot_id)
    key = request.form.get("key", "")
    form = ReopenForm()
    if not form.validate_on_submit() or key not in checklist.KEYS:
        flash(_("The request was not valid. Please try again."), "error")
    else:
        pages.run(lambda: checklist.reopen(current_user, pilot, key),
                  _("The item is open again."))
    return _back(pilot_id)


@bp.get("/<int:pilot_id>/agreement.docx")
def agreement_draft(pilot_id: int):
    """A 協定書 draft for the pair, in the page's language (Word)."""
    pilot = pilots.get_visible(current_user, pilot_id)
    data, name = agreement_doc.draft(pilot)
    return send_file(BytesIO(data), as_attachment=True, download_name=name,
                     mimetype="application/vnd.openxmlformats-officedocument."
                              "wordprocessingml.document")
