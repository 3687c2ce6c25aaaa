"""The evidence pack (PDF, .docx) and the pilot's cost (issue 17, part 4)."""
from __future__ import annotations

import io

from flask import flash, send_file
from flask_babel import gettext as _
from flask_login import current_user

from govtech.blueprints import pages
from govtech.blueprints.pilots.panel_purchase import CostForm
from govtech.blueprints.pilots.views import _page, _to_pilot, bp
from govtech.services import document_outline, evidence, evidence_docx, evidence_pdf
from govtech.services.errors import InvalidTransition

KINDS = {
    "pdf": ("application/pdf", evidence_pdf.render),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             evidence_docx.render),
}


@bp.post("/<int:pilot_id>/cost")
def save_cost(pilot_id: int):
    pilot = evidence.get(current_user, pilot_id)
    form = CostForm(prefix="cost")
    if pages.submit(form, lambda: evidence.save_cost(current_user, pilot, form.pilot_cost.data,
                                                     form.annual_cost.data),
                    _("The cost is saved.")):
        return _to_pilot(pilot_id, "purchase")
    return _page(pilot, pages.refusal_status(form), cost_form=form)


def _download(pilot_id: int, kind: str):
    pilot = evidence.get(current_user, pilot_id)
    try:
        pack = evidence.pack(current_user, pilot)
    except InvalidTransition as refusal:  # before evaluation: the page says why
        flash(refusal.message, "error")
        return _to_pilot(pilot_id, "purchase")
    mimetype, render = KINDS[kind]
    data = render(document_outline.evidence_outline(pack))  # no Japanese font: FontMissing,
    # a DomainError (503) whose page says what to install
    prefix = _("evidence")  # the file name's first word, in the pack's language
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=f"{prefix}-{pack.file_stem}.{kind}")


@bp.get("/<int:pilot_id>/evidence.pdf")
def evidence_pdf_file(pilot_id: int):
    return _download(pilot_id, "pdf")


@bp.get("/<int:pilot_id>/evidence.docx")
def evidence_docx_file(pilot_id: int):
    return _download(pilot_id, "docx")
