"""The evidence pack a DX officer takes to 財政課 and the mayor's office (issue 17, part 4),
and the pilot's cost it reports.

`pack(user, pilot)` gathers everything into one plain `Pack` that both writers use
(services.evidence_pdf, services.evidence_docx): the challenge and the town's commitment, the
pilot's period and stages (dates from its history), the KPIs, the results report, the cost,
comparable adopted cases from other towns and what the intended procurement route means. Texts
are translated and formatted here, in the language of the request; the KPI figures are kept as
numbers too, for the chart.

A pack is made from evaluation on (evaluation, budgeting, adopted): before that there are no
results to show (`READY_STAGES`, `not_ready_reason`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from govtech import formatting
from govtech.extensions import db
from govtech.labels import stage_label
from govtech.models import Challenge, Organisation, Pilot, PilotStage, User
from govtech.models.enums import CertificationState, ProcurementRoute
from govtech.models.procurement import BudgetCalendar, Certification
from govtech.reference import category_label
from govtech.services import access, history, pilots, transaction, workflow
from govtech.services.errors import DomainError, InvalidTransition

READY_STAGES = (PilotStage.evaluation, PilotStage.budgeting, PilotStage.adopted)
MAX_COST = 10**12  # yen: nothing a town buys costs more
COMPARABLE_LIMIT = 3
POPULATION_FACTOR = 3
#: The 市町村 national ceiling for 委託等 (別表第五 「前各号に掲げるもの以外のもの」, from
#: 2025-04-01); a town's own, lower limit is read from its budget calendar.
DEFAULT_SMALL_LIMIT = 1_000_000

ROUTE_LABELS = {
    ProcurementRoute.undecided: _l("Not decided yet"),
    ProcurementRoute.small_amount: _l("Small-amount negotiated contract (少額随意契約)"),
    ProcurementRoute.certified: _l("Certification under item 4 and a negotiated contract"),
    ProcurementRoute.proposal: _l("Public proposal competition (公募型プロポーザル)"),
    ProcurementRoute.marketplace: _l("Purchase through a marketplace listing"),
}
ROUTE_MEANINGS = {
    ProcurementRoute.undecided: _l(
        "The town has not chosen how it will buy. The usual routes are a small-amount "
        "negotiated contract, a certification under item 4, a public proposal competition or a "
        "marketplace listing."),
    ProcurementRoute.small_amount: _l(
        "Local Autonomy Act Enforcement Order art. 167-2 (1) item 1: a contract up to the "
        "town's limit (%(limit)s for commissioned work) may be negotiated with one supplier, "
        "usually after comparing quotations."),
    ProcurementRoute.certified: _l(
        "Art. 167-2 (1) item 4: a product the town has certified as a new-business-field "
        "product may be bought by a negotiated contract while the certification is valid. The "
        "application is assessed on novelty and the business plan, with external experts."),
    ProcurementRoute.proposal: _l(
        "A public call for proposals, assessed by a selection committee on published "
        "criteria; the best proposal is then contracted by negotiation. Open to any supplier, "
        "so other companies may win."),
    ProcurementRoute.marketplace: _l(
        "The solution is bought from a listing in a marketplace such as the Digital Agency's "
        "IT-procurement marketplace, whose terms have already been checked."),
}
_STALE = _l("Someone else changed this pair at the same moment. Reload the page.")


@dataclass
class KPIRow:
    name: str
    unit: str
    baseline: float | None
    target: float | None
    actual: float | None

    def shown(self, value: float | None) -> str:
        return formatting.quantity(value, self.unit) if value is not None else "—"


@dataclass
class Comparable:
    """An adopted pilot of another town: same category, similar population."""

    town: str
    population: str
    title: str
    startup: str
    pilot_cost: str
    annual_cost: str
    kpis: list[KPIRow]


@dataclass
class Pack:
    """The evidence pack's contents, translated and formatted for one language."""

    lang: str
    made_on: str
    title: str
    town: str
    population: str
    categories: str
    summary: str
    desired_outcome: str
    budget_owner: str
    route: str
    route_label: str
    route_meaning: str
    success_criteria: str
    fiscal_year: str
    startup: str
    period: str
    stage: str
    stages: list[tuple[str, str]]
    kpis: list[KPIRow]
    verified: str
    learned: str
    changed: str
    adoption_decision: str
    pilot_cost: str
    annual_cost: str
    comparables: list[Comparable] = field(default_factory=list)
    certified: str | None = None  # the town's valid 第4号 certification of the startup

    @property
    def file_stem(self) -> str:
        """evidence-<town>-<pilot title>, safe in any file system."""
        keep = "".join(ch if ch.isalnum() else "-" for ch in f"{self.town}-{self.title}")
        return "-".join(part for part in keep.split("-") if part)[:60] or "pilot"


def ready(pilot: Pilot) -> bool:
    return pilot.stage in READY_STAGES


def not_ready_reason(pilot: Pilot) -> str | None:
    """Why the pack cannot be made yet, or None when it can."""
    if ready(pilot):
        return None
    return _("The evidence pack is made from evaluation on: until then the pilot has no "
             "results to show to the finance division.")


def may_edit_cost(user: User | None, pilot: Pilot) -> bool:
    return pilots.side(user, pilot) is not None and not workflow.frozen(pilot)


def _check_cost(value: object, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(_("Enter the amount in yen as a whole number."), field=name)
    if value < 0:
        raise DomainError(_("An amount cannot be below zero."), field=name)
    if value > MAX_COST:
        raise DomainError(_("Enter an amount of at most 1,000,000,000,000 yen."), field=name)
    return value


@transaction.unit_of_work(_STALE)
def save_cost(actor: User, pilot: Pilot, pilot_cost: object, annual_cost: object) -> Pilot:
    """The pilot's cost and the yearly cost of adopting it (yen); either party or a manager.
    What changed is kept in the pair's history."""
    access.require_party(actor, pilot.challenge.organisation_id, pilot.startup_id,
                         _("Only the two parties and the programme office can change "
                           "this pilot."))
    workflow.require_not_frozen(pilot)
    new = {"pilot_cost": _check_cost(pilot_cost, "pilot_cost"),
           "annual_cost": _check_cost(annual_cost, "annual_cost")}
    labels = {"pilot_cost": _("Pilot cost"), "annual_cost": _("Annual cost")}
    changes = []
    for key, value in new.items():
        before = getattr(pilot, key)
        if before != value:
            changes.append(f"{labels[key]}: {formatting.yen(before)} → {formatting.yen(value)}")
            setattr(pilot, key, value)
    if changes:
        history.record("pilot_cost", pilot.id, actor, None, "changed", "; ".join(changes))
    return pilot


def cost_history(user: User | None, pilot: Pilot) -> list:
    if pilots.side(user, pilot) is None:
        return []
    return history.timeline("pilot_cost", pilot.id)


def small_amount_limit(town: Organisation) -> int:
    row = db.session.get(BudgetCalendar, town.id)
    limits = (row.limits or {}) if row is not None else {}
    value = limits.get("other")
    return int(value) if isinstance(value, int) else DEFAULT_SMALL_LIMIT


def route_meaning(challenge: Challenge) -> tuple[str, str, str]:
    route = ProcurementRoute(challenge.procurement_route or ProcurementRoute.undecided)
    meaning = str(ROUTE_MEANINGS[route])
    if route == ProcurementRoute.small_amount:
        meaning = meaning % {"limit": formatting.yen(small_amount_limit(challenge.organisation))}
    return route.value, str(ROUTE_LABELS[route]), meaning


def kpi_rows(pilot: Pilot) -> list[KPIRow]:
    return [KPIRow(k.name, k.unit or "", k.baseline, k.target, k.actual) for k in pilot.kpis]


def _population(org: Organisation) -> str:
    return formatting.people(org.population) if org.population else "—"


def comparables(pilot: Pilot) -> list[Comparable]:
    """Adopted pilots of other towns sharing a category, of a population within a factor of
    three (when both are known), best first: most shared categories, then closest size."""
    challenge = pilot.challenge
    wanted = set(challenge.categories or [])
    if not wanted:
        return []
    found = db.session.scalars(
        select(Pilot).join(Challenge, Pilot.challenge_id == Challenge.id)
        .where(Pilot.stage == PilotStage.adopted, Pilot.id != pilot.id,
               Challenge.organisation_id != challenge.organisation_id)
        .options(selectinload(Pilot.challenge).selectinload(Challenge.organisation),
                 selectinload(Pilot.startup), selectinload(Pilot.kpis))
        .order_by(Pilot.stage_entered_at.desc()).limit(200)).all()
    size = challenge.organisation.population
    scored = []
    for other in found:
        shared = len(wanted & set(other.challenge.categories or []))
        theirs = other.challenge.organisation.population
        if not shared:
            continue
        if size and theirs:
            ratio = max(size, theirs) / min(size, theirs)
            if ratio > POPULATION_FACTOR:
                continue
        else:
            ratio = float(POPULATION_FACTOR)
        scored.append((-shared, ratio, other.id, other))
    scored.sort(key=lambda item: item[:3])
    return [Comparable(
        town=other.challenge.organisation.name, population=_population(
            other.challenge.organisation), title=other.challenge.title,
        startup=other.startup.name, pilot_cost=formatting.yen(other.pilot_cost),
        annual_cost=formatting.yen(other.annual_cost), kpis=kpi_rows(other))
        for *_rest, other in scored[:COMPARABLE_LIMIT]]


def _stages(events: list) -> list[tuple[str, str]]:
    return [(stage_label(e.to_state), formatting.date(e.created_at)) for e in events]


def run_period(pilot: Pilot, events: list) -> str:
    """From entering the pilot stage to entering evaluation (the run itself, from history);
    the challenge's planned period where the pair has not run yet."""
    started = next((e.created_at for e in events if e.to_state == PilotStage.pilot.value), None)
    ended = next((e.created_at for e in events if e.to_state == PilotStage.evaluation.value),
                 None)
    if started is None:
        started, ended = pilot.challenge.pilot_start, pilot.challenge.pilot_end
    if started is None and ended is None:
        return "—"
    joiner = "～" if formatting.language() == "ja" else " – "
    return f"{formatting.date(started)}{joiner}{formatting.date(ended) if ended else ''}"


def _certified(pilot: Pilot) -> str | None:
    """The town's granted, still-valid certification of this startup, as one line."""
    found = db.session.scalar(select(Certification).where(
        Certification.municipality_id == pilot.challenge.organisation_id,
        Certification.startup_id == pilot.startup_id,
        Certification.state == CertificationState.granted,
        Certification.valid_until >= formatting.local_today())
        .order_by(Certification.valid_until.desc()).limit(1))
    if found is None:
        return None
    return _("Certified: No. %(number)s, valid until %(date)s", number=found.number,
             date=formatting.date(found.valid_until))


def get(user: User | None, pilot_id: int) -> Pilot:
    """The pilot, for its parties and managers (404 for anyone else, as its page)."""
    return pilots.get_visible(user, pilot_id)


def pack(user: User | None, pilot: Pilot) -> Pack:
    """Everything the pack shows; refused before evaluation (InvalidTransition, 409)."""
    access.visible_or_404(pilot, pilots.side(user, pilot) is not None,
                          _("This pilot does not exist."))
    reason = not_ready_reason(pilot)
    if reason:
        raise InvalidTransition(reason)
    challenge, town = pilot.challenge, pilot.challenge.organisation
    route, label, meaning = route_meaning(challenge)
    events = history.timeline("pilot", pilot.id)
    none = "—"
    return Pack(
        lang=formatting.language(), made_on=formatting.date(formatting.local_today()),
        title=challenge.title, town=town.name, population=_population(town),
        categories="・".join(category_label(c) for c in challenge.categories or []) or none,
        summary=challenge.summary or none, desired_outcome=challenge.desired_outcome or none,
        budget_owner=challenge.budget_owner or none, route=route, route_label=label,
        route_meaning=meaning, certified=_certified(pilot),
        success_criteria=challenge.success_criteria or none,
        fiscal_year=_fiscal_year(challenge.adoption_fiscal_year),
        startup=pilot.startup.name, period=run_period(pilot, events),
        stage=stage_label(pilot.stage), stages=_stages(events), kpis=kpi_rows(pilot),
        verified=pilot.verified or none,
        learned=pilot.learned or none, changed=pilot.changed or none,
        adoption_decision=pilot.adoption_decision or none,
        pilot_cost=formatting.yen(pilot.pilot_cost), annual_cost=formatting.yen(
            pilot.annual_cost), comparables=comparables(pilot))


def _fiscal_year(year: int | None) -> str:
    if year is None:
        return "—"
    return _("FY %(year)s", year=year)
