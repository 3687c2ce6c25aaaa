"""The commitment a town makes when it posts a challenge (issue 17, part 1), and what its budget
calendar means for a pair: which request deadline funds the adoption, and whether the pilot's
evaluation ends in time for it (part 3).

The rules for saving live here and are called by services.challenges on every save.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_

from govtech import formatting
from govtech.models import Challenge, Organisation, Pilot, PilotStage
from govtech.models.enums import ProcurementRoute
from govtech.services import budget_calendar
from govtech.services.errors import DomainError

FIELDS = ("budget_owner", "procurement_route", "success_criteria", "success_kpis",
          "adoption_fiscal_year")
#: How many years ahead a town may plan its adoption.
YEARS_AHEAD = 5
MAX_KPIS, MAX_KPI_LENGTH = 10, 200

ROUTE_LABELS = {
    ProcurementRoute.undecided: _l("Not decided yet"),
    ProcurementRoute.small_amount: _l("Small-amount negotiated contract (少額随意契約)"),
    ProcurementRoute.certified: _l("Certified new-business product and negotiated contract "
                                   "(第4号認定)"),
    ProcurementRoute.proposal: _l("Open proposal competition (公募型プロポーザル)"),
    ProcurementRoute.marketplace: _l("Marketplace listing"),
}


def route_label(route: str | None) -> str:
    try:
        return str(ROUTE_LABELS[ProcurementRoute(route or "undecided")])
    except ValueError:
        return str(route or "")


def fiscal_year_label(year: int | None) -> str:
    """2027年度 / FY2027."""
    if year is None:
        return formatting.NONE
    return _("FY%(year)s", year=str(year))


def kpi_names(text: str | None) -> list[str]:
    """One KPI name per line, blank lines and repeats dropped."""
    names: list[str] = []
    for line in (text or "").splitlines():
        name = line.strip()
        if name and name not in names:
            names.append(name)
    return names


def made_clause() -> ColumnElement[bool]:
    """Challenge.has_commitment in SQL (the service stores the texts stripped)."""
    return and_(Challenge.budget_owner != "", Challenge.success_criteria != "",
                Challenge.procurement_route != ProcurementRoute.undecided,
                Challenge.adoption_fiscal_year.is_not(None))


def normalise(values: dict) -> None:
    """Texts stored without surrounding blanks, so the list can filter on them in SQL."""
    for name in ("budget_owner", "success_criteria"):
        if isinstance(values.get(name), str):
            values[name] = values[name].strip()
    if values.get("procurement_route") is not None:
        try:
            values["procurement_route"] = ProcurementRoute(values["procurement_route"])
        except ValueError:
            raise DomainError(_("Choose one of the routes offered."),
                              field="procurement_route") from None


# --- the rules of a save ---------------------------------------------------------------------

def check(org: Organisation, values: dict, challenge: Challenge | None = None) -> None:
    """Refuse a commitment that cannot hold: a fiscal year in the past or too far ahead, KPIs
    too many or too long, a route the town's own rules do not allow for this budget."""
    normalise(values)
    _check_year(values, challenge)
    kpis = values.get("success_kpis") or []
    if len(kpis) > MAX_KPIS:
        raise DomainError(_("Name at most %(n)d KPIs.", n=MAX_KPIS), field="success_kpis")
    if any(len(name) > MAX_KPI_LENGTH for name in kpis):
        raise DomainError(_("A KPI name may have at most %(n)d characters.", n=MAX_KPI_LENGTH),
                          field="success_kpis")
    if "procurement_route" in values or "budget_max" in values:
        _check_route(org, values, challenge)


def _check_year(values: dict, challenge: Challenge | None) -> None:
    year = values.get("adoption_fiscal_year")
    if year is None or (challenge is not None and year == challenge.adoption_fiscal_year):
        return
    current = budget_calendar.fiscal_year_of(budget_calendar.today())
    if year < current:
        raise DomainError(_("The fiscal year of adoption cannot be in the past (this is "
                            "%(year)s).", year=fiscal_year_label(current)),
                          field="adoption_fiscal_year")
    if year > current + YEARS_AHEAD:
        raise DomainError(_("Plan the adoption at most %(n)d years ahead (until %(year)s).",
                            n=YEARS_AHEAD, year=fiscal_year_label(current + YEARS_AHEAD)),
                          field="adoption_fiscal_year")


def _check_route(org: Organisation, values: dict, challenge: Challenge | None) -> None:
    def current(name: str):
        return values[name] if name in values else getattr(challenge, name, None)

    route, budget_max = current("procurement_route"), current("budget_max")
    if route not in (ProcurementRoute.small_amount, ProcurementRoute.certified):
        return
    calendar = budget_calendar.for_town(org)
    if route == ProcurementRoute.certified and not calendar.certifies_new_business:
        raise DomainError(_("Your town has no certification of new-business products. Turn it "
                            "on in the budget calendar first, or choose another route."),
                          field="procurement_route")
    limit = calendar.limit("other")
    if route == ProcurementRoute.small_amount and budget_max is not None \
            and budget_max * 10_000 > limit:
        raise DomainError(_("The budget is above your town's small-amount limit for "
                            "commissioned work (%(limit)s). Choose another route or lower the "
                            "budget.", limit=formatting.yen(limit)), field="procurement_route")


# --- timing on the pair's page ---------------------------------------------------------------

#: The stages in which a pair still has to make the budget request in time.
BEFORE_BUDGETING = (PilotStage.agreement, PilotStage.pilot, PilotStage.evaluation)
#: A request deadline this close is flagged.
SOON_DAYS = 30


@dataclass
class Timing:
    fiscal_year: int  # the 年度 the adoption is to be funded in
    planned: bool  # the challenge names that year (else: the next one that can be requested)
    funding_deadline: date  # the budget request that funds it
    next_deadline: date  # the next request deadline from today
    council: tuple[date, date]  # the session that passes that budget
    evaluation_end: date | None  # when the pilot's evaluation ends, if known
    today: date

    @property
    def passed(self) -> bool:
        """The request for that year can no longer be made."""
        return self.funding_deadline < self.today

    @property
    def misses(self) -> bool:
        """The evaluation ends after the request deadline that funds the planned year."""
        return self.passed or (self.evaluation_end is not None
                               and self.evaluation_end > self.funding_deadline)

    @property
    def soon(self) -> bool:
        return (self.next_deadline - self.today).days <= SOON_DAYS


def evaluation_end(pilot: Pilot, latest_milestone: date | None = None,
                   milestones_read: bool = False) -> date | None:
    """The later of the challenge's pilot end and the pair's latest open milestone (read from
    its milestones unless the caller read it already)."""
    if milestones_read:
        dates = [latest_milestone] if latest_milestone is not None else []
    else:
        dates = [m.due_date for m in pilot.milestones if not m.is_done and m.due_date is not None]
    if pilot.challenge.pilot_end is not None:
        dates.append(pilot.challenge.pilot_end)
    return max(dates) if dates else None


_UNREAD = date.min


def timing(pilot: Pilot, calendar: budget_calendar.Calendar, today: date | None = None,
           latest_milestone: date | None = _UNREAD) -> Timing:
    """The pair's budget timing; `latest_milestone` when the caller read it in its query."""
    today = today or budget_calendar.today()
    upcoming = budget_calendar.next_request_deadline(calendar.organisation, today, calendar)
    year = pilot.challenge.adoption_fiscal_year
    planned = year is not None
    if year is None:
        year = upcoming.year + 1
    return Timing(fiscal_year=year, planned=planned,
                  funding_deadline=calendar.funding_deadline(year), next_deadline=upcoming,
                  council=calendar.council(year),
                  evaluation_end=evaluation_end(pilot, latest_milestone,
                                                milestones_read=latest_milestone != _UNREAD),
                  today=today)
