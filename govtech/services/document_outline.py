"""A document as plain blocks, written out by services.evidence_pdf and services.evidence_docx:
the evidence pack (issue 17, part 4) and the 第4号 application draft (part 5) share them.

Blocks: Heading (a section title), Facts (label/value rows), Text (a paragraph), Table (a header
and rows), Chart (baseline/target/actual bars per KPI) and Box (an empty, framed space with a
caption: where the external experts write their opinion).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from govtech import formatting
from govtech.services.evidence import KPIRow, Pack


@dataclass
class Heading:
    text: str


@dataclass
class Facts:
    rows: list[tuple[str, str]]


@dataclass
class Text:
    text: str


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass
class Chart:
    title: str
    kpis: list[KPIRow]
    legend: tuple[str, str, str]


@dataclass
class Box:
    caption: str
    text: str = ""


Block = Heading | Facts | Text | Table | Chart | Box


@dataclass
class Document:
    title: str
    subtitle: str
    blocks: list[Block] = field(default_factory=list)
    lang: str = "ja"


def kpi_table(kpis: list[KPIRow]) -> Table:
    return Table([_("KPI"), _("Baseline"), _("Target"), _("Actual")],
                 [[k.name + formatting.aside(k.unit) if k.unit else k.name,
                   k.shown(k.baseline), k.shown(k.target), k.shown(k.actual)] for k in kpis])


def kpi_results(kpis: list[KPIRow]) -> str:
    """「窓口待ち時間: 30分 → 12分（目標15分）」, one KPI a line."""
    lines = []
    for k in kpis:
        lines.append(_("%(name)s: %(baseline)s → %(actual)s (target %(target)s)",
                       name=k.name, baseline=k.shown(k.baseline), actual=k.shown(k.actual),
                       target=k.shown(k.target)))
    return "\n".join(lines) or "—"


def legend() -> tuple[str, str, str]:
    return (_("Baseline"), _("Target"), _("Actual"))


def evidence_outline(pack: Pack) -> Document:
    """The evidence pack, section by section."""
    doc = Document(_("Evidence pack: pilot results and the case for adoption"),
                   _("%(town)s × %(startup)s · made on %(date)s", town=pack.town,
                     startup=pack.startup, date=pack.made_on), lang=pack.lang)
    add = doc.blocks.append
    add(Heading(_("1. The challenge")))
    add(Facts([(_("Title"), pack.title), (_("Town"), pack.town + formatting.aside(
        pack.population)), (_("Categories"), pack.categories), (_("Summary"), pack.summary),
               (_("Desired outcome"), pack.desired_outcome)]))
    add(Heading(_("2. The town's commitment to buy what works")))
    add(Facts([(_("Budget owner"), pack.budget_owner),
               (_("Intended procurement route"), pack.route_label),
               (_("Success criteria"), pack.success_criteria),
               (_("Fiscal year of adoption"), pack.fiscal_year)]))
    add(Heading(_("3. The pilot")))
    add(Facts([(_("Startup"), pack.startup), (_("Pilot period"), pack.period),
               (_("Current stage"), pack.stage)]))
    if pack.stages:
        add(Table([_("Stage"), _("Date")], [[stage, day] for stage, day in pack.stages]))
    add(Heading(_("4. KPIs: baseline, target and result")))
    if pack.kpis:
        add(kpi_table(pack.kpis))
        add(Chart(_("Baseline, target and actual per KPI"), pack.kpis, legend()))
    else:
        add(Text(_("No KPIs were recorded for this pilot.")))
    add(Heading(_("5. Results report")))
    add(Facts([(_("What was verified"), pack.verified), (_("What was learned"), pack.learned),
               (_("What changed"), pack.changed),
               (_("Adoption decision"), pack.adoption_decision)]))
    add(Heading(_("6. Cost")))
    add(Facts([(_("Pilot cost"), pack.pilot_cost),
               (_("Annual cost after adoption"), pack.annual_cost)]))
    add(Heading(_("7. Comparable adoptions in other towns")))
    if pack.comparables:
        add(Table([_("Town"), _("Population"), _("Startup"), _("Pilot cost"),
                   _("Annual cost"), _("KPI results")],
                  [[c.town, c.population, c.startup, c.pilot_cost, c.annual_cost,
                    kpi_results(c.kpis)] for c in pack.comparables]))
    else:
        add(Text(_("No adopted pilot of the same category in a town of similar size yet.")))
    add(Heading(_("8. The intended procurement route")))
    add(Facts([(_("Route"), pack.route_label)] + (
        [(_("Certification under item 4"), pack.certified)] if pack.certified else [])))
    add(Text(pack.route_meaning))
    return doc


def application_outline(cert, town: str, startup: str, state: str) -> Document:
    """The 第4号 application (新事業分野開拓者認定申請書), laid out as the form: the applicant,
    the product, the business plan (targets, content, timing, funding), the evidence for the
    criteria, and the room for the external experts' opinions."""
    doc = Document(_("Application for certification as a new-business-field pioneer"),
                   _("Local Autonomy Act Enforcement Order art. 167-2 (1) item 4 · to the "
                     "mayor of %(town)s", town=town), lang=formatting.language())
    add = doc.blocks.append
    add(Facts([(_("Applicant"), startup), (_("Product or service"), cert.product_name),
               (_("State"), state), (_("Certification number"), cert.number or "—"),
               (_("Granted on"), formatting.date(cert.granted_on)),
               (_("Valid until"), formatting.date(cert.valid_until))]))
    add(Heading(_("1. Business plan")))
    add(Facts([(_("Targets of the plan"), cert.plan_targets or "—"),
               (_("Content of the plan"), cert.plan_content or "—"),
               (_("Timing of the plan"), cert.plan_timing or "—"),
               (_("Funding plan"), cert.plan_funding or "—")]))
    add(Heading(_("2. Grounds for meeting the criteria")))
    add(Text(_("Criteria: a new product or service, different from what is already on the "
               "market; a business plan that is feasible; results in use.")))
    add(Text(cert.novelty or "—"))
    add(Heading(_("3. Opinions of the external experts")))
    add(Box(_("Opinions of the external experts (written by the experts)"),
            cert.expert_opinions))
    return doc
