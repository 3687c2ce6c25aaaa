"""The public catalogue's list and pages (issue 17, part 7): solutions with at least one adopted
pilot, filtered in SQL by category, the population of the adopting towns and the procurement
route they used; and, for a page of them in a fixed few queries, what each card shows (towns,
routes, cost range, case study, valid 第4号 認定, rating averages with their count).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, Text, cast, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from govtech.extensions import db
from govtech.models import (
    Challenge,
    MarketingActivity,
    MarketingKind,
    MarketingState,
    Organisation,
    OrgState,
    Pilot,
    PilotStage,
)
from govtech.models.enums import CertificationState, ProcurementRoute
from govtech.models.procurement import Certification, Solution
from govtech.reference import CATEGORIES
from govtech.services import access, challenges, listsearch, ratings

# Population bands of the adopting towns: key → (label, from, below).
BANDS: dict[str, tuple[object, int, int | None]] = {
    "under_10k": (_l("Under 10,000"), 0, 10_000),
    "10k_50k": (_l("10,000 to 50,000"), 10_000, 50_000),
    "50k_200k": (_l("50,000 to 200,000"), 50_000, 200_000),
    "over_200k": (_l("200,000 and more"), 200_000, None),
}
ROUTES = {
    ProcurementRoute.small_amount: _l("Small-amount private contract (少額随意契約)"),
    ProcurementRoute.certified: _l("No.4 certification and private contract (第4号認定・随意契約)"),
    ProcurementRoute.proposal: _l("Open proposal competition (公募型プロポーザル)"),
    ProcurementRoute.marketplace: _l("Marketplace listing"),
    ProcurementRoute.undecided: _l("Not decided yet"),
}


def route_label(value: str | None) -> str:
    if value is not None and value in ProcurementRoute.__members__:
        return str(ROUTES[ProcurementRoute(value)])
    return str(value or "")


def band_choices() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, (label, _lo, _hi) in BANDS.items()]


def route_choices() -> list[tuple[str, str]]:
    return [(r.value, str(label)) for r, label in ROUTES.items()
            if r != ProcurementRoute.undecided]


@dataclass(frozen=True)
class Filters:
    q: str = ""
    category: str = ""
    population: str = ""
    route: str = ""


def _adoptions() -> Select:
    """Adopted pilots of the solution in the outer query."""
    return select(Pilot.id).where(Pilot.solution_id == Solution.id,
                                  Pilot.stage == PilotStage.adopted)


def listed() -> Select[tuple[Solution]]:
    """Solutions of approved startups with at least one adopted pilot."""
    firm = aliased(Organisation)
    return (select(Solution).join(firm, firm.id == Solution.startup_id)
            .where(firm.state == OrgState.approved, exists(_adoptions())))


def list_query(filters: Filters) -> Select[tuple[Solution]]:
    """The catalogue's list: the filters in SQL, the most adopted first."""
    firm = aliased(Organisation)
    query = (select(Solution).join(firm, firm.id == Solution.startup_id)
             .where(firm.state == OrgState.approved)
             .options(joinedload(Solution.startup)))
    adoption = _adoptions()
    if filters.population in BANDS or filters.route in ProcurementRoute.__members__:
        town = aliased(Organisation)
        adoption = (adoption.join(Challenge, Challenge.id == Pilot.challenge_id)
                    .join(town, town.id == Challenge.organisation_id))
        if filters.population in BANDS:
            _label, low, high = BANDS[filters.population]
            adoption = adoption.where(town.population >= low)
            if high is not None:
                adoption = adoption.where(town.population < high)
        if filters.route in ProcurementRoute.__members__:
            adoption = adoption.where(Challenge.procurement_route == filters.route)
    query = query.where(exists(adoption))
    if filters.category in CATEGORIES:  # a JSON list of fixed keys: its text names each quoted
        query = query.where(cast(Solution.categories, Text).contains(f'"{filters.category}"'))
    if filters.q.split():
        query = query.where(listsearch.words_match(filters.q, Solution.name, Solution.summary,
                                                   firm.name))
    count = (select(func.count(Pilot.id)).where(Pilot.solution_id == Solution.id,
                                                 Pilot.stage == PilotStage.adopted)
             .correlate(Solution).scalar_subquery())
    return query.order_by(count.desc(), Solution.id.desc())


def get_listed(solution_id: int) -> Solution:
    """The solution if the catalogue lists it; otherwise it does not exist."""
    found = db.session.scalar(listed().where(Solution.id == solution_id)
                              .options(joinedload(Solution.startup)))
    return access.visible_or_404(found, True, _("This solution is not in the catalogue."))


# --- what a card shows -------------------------------------------------------------------------

@dataclass
class Town:
    org_id: int
    name: str
    prefecture: str | None
    population: int | None


@dataclass
class Summary:
    towns: list[Town] = field(default_factory=list)
    routes: list[str] = field(default_factory=list)
    cost_low: int | None = None
    cost_high: int | None = None
    adoptions: int = 0
    case: MarketingActivity | None = None
    cases: list[MarketingActivity] = field(default_factory=list)
    certifications: list[Certification] = field(default_factory=list)
    rating: ratings.Averages = field(default_factory=ratings.Averages)


def _adopted_rows(ids: list[int]) -> list[tuple]:
    town = aliased(Organisation)
    return list(db.session.execute(
        select(Pilot.solution_id, town.id, town.name, town.prefecture, town.population,
               Challenge.procurement_route, Pilot.annual_cost)
        .join(Challenge, Challenge.id == Pilot.challenge_id)
        .join(town, town.id == Challenge.organisation_id)
        .where(Pilot.solution_id.in_(ids), Pilot.stage == PilotStage.adopted)
        .order_by(Pilot.closed_at, Pilot.id)).tuples())


def _cases(ids: list[int]) -> list[MarketingActivity]:
    return list(db.session.scalars(
        select(MarketingActivity).join(Pilot, Pilot.id == MarketingActivity.pilot_id)
        .where(Pilot.solution_id.in_(ids), MarketingActivity.kind == MarketingKind.case_study,
               MarketingActivity.state == MarketingState.published,
               MarketingActivity.is_public.is_(True))
        .options(joinedload(MarketingActivity.pilot))
        .order_by(MarketingActivity.published_at.desc(), MarketingActivity.id.desc())))


def _certifications(solutions: Sequence[Solution]) -> list[Certification]:
    """Granted certifications valid today, of these solutions or of their startups."""
    return list(db.session.scalars(
        select(Certification).where(
            Certification.state == CertificationState.granted,
            Certification.valid_until.is_not(None),
            Certification.valid_until >= challenges.today(),
            or_(Certification.solution_id.in_([s.id for s in solutions]),
                Certification.startup_id.in_({s.startup_id for s in solutions})))
        .options(joinedload(Certification.municipality))
        .order_by(Certification.valid_until.desc(), Certification.id)))


def summaries(solutions: Sequence[Solution]) -> dict[int, Summary]:
    """What each solution's card shows, for a page of them in four queries."""
    ids = [s.id for s in solutions]
    found = {sid: Summary() for sid in ids}
    if not ids:
        return found
    for sid, org_id, name, prefecture, population, route, cost in _adopted_rows(ids):
        summary = found[sid]
        summary.adoptions += 1
        if org_id not in {t.org_id for t in summary.towns}:
            summary.towns.append(Town(org_id, name, prefecture, population))
        if route and route != ProcurementRoute.undecided and route not in summary.routes:
            summary.routes.append(route)
        if cost is not None:
            summary.cost_low = cost if summary.cost_low is None else min(summary.cost_low, cost)
            summary.cost_high = cost if summary.cost_high is None else max(summary.cost_high,
                                                                           cost)
    for case in _cases(ids):
        summary = found[case.pilot.solution_id or 0]
        summary.cases.append(case)
        summary.case = summary.case or case  # the latest
    of_startup = {s.id: s.startup_id for s in solutions}
    for cert in _certifications(solutions):
        for sid in ids:
            towns = {t.org_id for t in found[sid].towns}
            if cert.solution_id == sid or (cert.solution_id is None
                                           and cert.startup_id == of_startup[sid]
                                           and cert.municipality_id in towns):
                found[sid].certifications.append(cert)
    for sid, averages in ratings.averages(ids).items():
        found[sid].rating = averages
    return found
