"""第4号 certifications: the application draft and the granted record (issue 17, part 5)."""
from __future__ import annotations

import io

from flask import Blueprint, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech.blueprints import pages
from govtech.blueprints.certifications.forms import ApplicationForm, GrantForm, RefuseForm
from govtech.services import certifications, document_outline, evidence, evidence_docx, evidence_pdf

bp = Blueprint("certifications", __name__, url_prefix="/certifications")


@bp.get("/")
def list_certifications():
    page = pages.list_page(certifications.list_query(current_user))
    return render_template("certifications/list.html", page=page, args=pages.list_args(),
                           state_label=certifications.state_label)


def _page(cert, status: int = 200, **forms):
    blank = {"form": ApplicationForm(formdata=None, obj=cert),
             "grant_form": GrantForm(formdata=None, version=cert.version),
             "refuse_form": RefuseForm(formdata=None, version=cert.version)}
    blank.update(forms)
    return render_template(
        "certifications/show.html", cert=cert, state=certifications.state_label(cert.state),
        state_label=certifications.state_label,
        may_edit=certifications.may_edit(current_user, cert),
        events=certifications.timeline(current_user, cert), **blank), status


@bp.route("/<int:cert_id>", methods=["GET", "POST"])
def show_certification(cert_id: int):
    cert = certifications.get_visible(current_user, cert_id)
    if request.method == "GET":
        return _page(cert)
    form = ApplicationForm()
    values = {key: getattr(form, key).data for key in certifications.PLAN_FIELDS}
    if pages.submit(form, lambda: certifications.update(current_user, cert, form.version.data,
                                                        **values),
                    _("The application is saved.")):
        return redirect(url_for("certifications.show_certification", cert_id=cert_id))
    return _page(cert, pages.refusal_status(form), form=form)


@bp.post("/<int:cert_id>/decision")
def decide(cert_id: int):
    cert = certifications.get_visible(current_user, cert_id)
    granted = request.form.get("decision") == "granted"
    form = GrantForm() if granted else RefuseForm()
    if granted:
        action = lambda: certifications.decide(  # noqa: E731
            current_user, cert, form.version.data, "granted", number=form.number.data,
            granted_on=form.granted_on.data, valid_until=form.valid_until.data)
    else:
        action = pages.confirmed_first(lambda: certifications.decide(
            current_user, cert, form.version.data, "refused", note=form.note.data))
    if pages.submit(form, action, _("The decision is recorded.")):
        return redirect(url_for("certifications.show_certification", cert_id=cert_id))
    key = "grant_form" if granted else "refuse_form"
    return _page(cert, pages.refusal_status(form), **{key: form})


@bp.post("/from-pilot/<int:pilot_id>")
def draft_from_pilot(pilot_id: int):
    pilot = evidence.get(current_user, pilot_id)
    made = []
    if pages.run(lambda: made.append(certifications.draft(current_user, pilot)),
                 _("The application is drafted from the pilot. Check and complete it.")):
        return redirect(url_for("certifications.show_certification", cert_id=made[0].id))
    return redirect(url_for("pilots.show_pilot", pilot_id=pilot_id, _anchor="purchase"))


def _download(cert_id: int, kind: str):
    cert = certifications.get_visible(current_user, cert_id)
    doc = document_outline.application_outline(
        cert, cert.municipality.name, cert.startup.name, certifications.state_label(cert.state))
    data = (evidence_pdf.render if kind == "pdf" else evidence_docx.render)(doc)  # FontMissing:
    # a DomainError (503) whose page says what to install
    mimetype = "application/pdf" if kind == "pdf" else \
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    stem = "".join(ch if ch.isalnum() else "-" for ch in cert.product_name)[:50].strip("-")
    prefix = _("application")  # the file name's first word
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=f"{prefix}-{stem or cert.id}.{kind}")


@bp.get("/<int:cert_id>/application.pdf")
def application_pdf(cert_id: int):
    return _download(cert_id, "pdf")


@bp.get("/<int:cert_id>/application.docx")
def application_docx(cert_id: int):
    return _download(cert_id, "docx")
