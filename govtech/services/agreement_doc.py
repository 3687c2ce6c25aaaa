"""A draft 実証実験協定書 (pilot agreement) for a pair, as an editable Word file (.docx).

Filled in from the pair's records: the two parties, the challenge, the pilot period (the pair's
dated milestones, else blanks to fill in), the KPIs with baseline and target, the costs each
side bears (the pilot's cost where known), and the standard clauses of a Japanese municipal
pilot agreement (purpose, roles, confidentiality, data and personal information, intellectual
property, publication of results, liability, termination, consultation). Written in the UI's
language: Japanese by default, English when the UI is English. The parties edit the draft; the
signed agreement is then recorded on the checklist (item key `agreement`).
"""
from __future__ import annotations

import io

from docx import Document as new_document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from flask_babel import gettext as _

from govtech import formatting
from govtech.models import Pilot

JA_FONT = "Yu Gothic"


def _fonts(document) -> None:
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        style = document.styles[name]
        style.font.name = JA_FONT
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), JA_FONT)
    document.styles["Normal"].font.size = Pt(10.5)


def _period(pilot: Pilot) -> tuple[str, str]:
    dates = sorted(m.due_date for m in pilot.milestones if m.due_date is not None)
    blank = _("(date to be agreed)")
    if not dates:
        return blank, blank
    return formatting.date(dates[0]), formatting.date(dates[-1])


def _costs(pilot: Pilot) -> str:
    if pilot.pilot_cost:
        return _("The municipality pays %(cost)s (tax included) for the pilot; each party bears "
                 "its other costs itself.", cost=formatting.yen(pilot.pilot_cost))
    return _("Each party bears its own costs of the pilot; the municipality pays no fee unless "
             "the parties agree otherwise in writing.")


def _articles(pilot: Pilot, start: str, end: str) -> list[tuple[str, str]]:
    challenge = pilot.challenge.title
    return [
        (_("Article 1 (Purpose)"),
         _("This agreement sets out the terms on which the parties carry out a pilot of Party "
           "B's solution to the municipality's challenge “%(challenge)s”, to verify its "
           "effect.", challenge=challenge)),
        (_("Article 2 (Pilot period)"),
         _("The pilot runs from %(start)s to %(end)s. The parties may change the period by "
           "agreement in writing.", start=start, end=end)),
        (_("Article 3 (Roles)"),
         _("Party A provides the site, the information and the staff contact the pilot needs. "
           "Party B carries out the pilot, measures the KPIs below and reports the results to "
           "Party A.")),
        (_("Article 4 (KPIs)"),
         _("The parties measure the pilot's effect by the following KPIs, with the baseline "
           "and the target agreed below.")),
        (_("Article 5 (Costs)"), _costs(pilot)),
        (_("Article 6 (Confidentiality)"),
         _("Neither party discloses to a third party any confidential information of the other "
           "party learned through the pilot, during the pilot and for three years after it, "
           "unless the other party agrees in writing or the law requires it.")),
        (_("Article 7 (Data and personal information)"),
         _("Party B handles data received from Party A only for the pilot, in compliance with "
           "the Act on the Protection of Personal Information and Party A's information "
           "security policy; takes the safety measures needed; does not take such data out of "
           "Japan; and returns or deletes it at the end of the pilot, reporting so in "
           "writing.")),
        (_("Article 8 (Intellectual property)"),
         _("Intellectual property created by one party in the pilot belongs to that party; "
           "that created jointly is shared, its handling agreed by consultation.")),
        (_("Article 9 (Publication of results)"),
         _("The parties may publish the results of the pilot with the other party's prior "
           "consent. Party A may publish the results as a municipal case study.")),
        (_("Article 10 (Liability)"),
         _("Each party is liable for damage it causes to the other party or a third party "
           "through its own fault in the pilot. The pilot does not promise a later contract "
           "or procurement.")),
        (_("Article 11 (Termination)"),
         _("Either party may end the pilot by notice in writing when the other party breaches "
           "this agreement, or when the pilot can no longer continue for a reason that cannot "
           "be helped.")),
        (_("Article 12 (Consultation)"),
         _("Matters not set out in this agreement, or doubts about it, are settled by the "
           "parties in good faith.")),
    ]


def draft(pilot: Pilot) -> tuple[bytes, str]:
    """The draft's bytes and its file name."""
    document = new_document()
    _fonts(document)
    municipality, startup = pilot.challenge.organisation.name, pilot.startup.name
    document.add_heading(_("Pilot agreement"), level=0)
    document.add_paragraph(_("Draft: edit before signing."))
    document.add_paragraph(_(
        "%(municipality)s (“Party A”) and %(startup)s (“Party B”) agree as follows on the "
        "pilot for the challenge “%(challenge)s”.", municipality=municipality, startup=startup,
        challenge=pilot.challenge.title))
    start, end = _period(pilot)
    for heading, text in _articles(pilot, start, end):
        document.add_heading(heading, level=2)
        document.add_paragraph(text)
        if heading == _("Article 4 (KPIs)"):
            _kpi_table(document, pilot)
    document.add_paragraph(_("Two copies of this agreement are made; each party signs and "
                             "keeps one."))
    when = document.add_paragraph(_("Date of signing: %(date)s", date=_("(date to be agreed)")))
    when.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for label, name in ((_("Party A"), municipality), (_("Party B"), startup)):
        signature = document.add_paragraph(f"{label}: {name}")
        signature.add_run("\n" + _("Name and title of the signatory")).italic = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue(), _("pilot-agreement-%(id)s.docx", id=pilot.id)


def _kpi_table(document, pilot: Pilot) -> None:
    kpis = list(pilot.kpis)
    if not kpis:
        document.add_paragraph(_("(KPIs to be agreed)"))
        return
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, (_("KPI"), _("Baseline"), _("Target")),
                          strict=True):
        cell.text = text
    for kpi in kpis:
        cells = table.add_row().cells
        unit = f" ({kpi.unit})" if kpi.unit else ""
        cells[0].text = kpi.name + unit
        cells[1].text = formatting.number(kpi.baseline) if kpi.baseline is not None else "—"
        cells[2].text = formatting.number(kpi.target) if kpi.target is not None else "—"
