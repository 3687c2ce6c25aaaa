"""第4号 certifications (地方自治法施行令 第167条の2第1項第4号, 新事業分野開拓者の認定; issue 17,
part 5): a town that runs the scheme drafts the application from a pilot, edits it, and
records the decision (granted with a number and a validity period, or refused).

Who: the challenge's municipality and managers change; the startup reads its own. A granted,
still-valid certification is what makes the route "certified" possible (`valid_for`).
Every change is one unit of work with a history event (entity "certification").
"""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from govtech import formatting
from govtech.extensions import db
from govtech.models import Capability, Organisation, Pilot, User
from govtech.models.enums import CertificationState
from govtech.models.procurement import BudgetCalendar, Certification, Solution
from govtech.services import access, evidence, history, transaction
from govtech.services.document_outline import kpi_results
from govtech.services.errors import DomainError, InvalidTransition, PermissionDenied

HISTORY = "certification"
PLAN_FIELDS = ("product_name", "plan_targets", "plan_content", "plan_timing", "plan_funding",
               "novelty", "expert_opinions")
MAX_TEXT = 5000
MAX_VALIDITY_YEARS = 10
_STALE = _l("Someone else changed this application at the same moment. Reload the page to see "
            "it now.")


def certifies(town: Organisation | int) -> bool:
    """Whether the town runs the scheme (its budget calendar's flag; no calendar: no)."""
    row = db.session.get(BudgetCalendar, town if isinstance(town, int) else town.id)
    return bool(row is not None and row.certifies_new_business)


def may_change_town(user: User | None, municipality_id: int) -> bool:
    return access.manager_or_member_of(user, municipality_id)


def may_change(user: User | None, cert: Certification) -> bool:
    return may_change_town(user, cert.municipality_id)


def may_edit(user: User | None, cert: Certification) -> bool:
    return may_change(user, cert) and cert.state == CertificationState.draft


def may_draft(user: User | None, pilot: Pilot) -> bool:
    """The challenge's municipality (or a manager), in a town with the scheme, once the pilot
    has results."""
    return (access.manager_or_member_of(user, pilot.challenge.organisation_id)
            and evidence.ready(pilot) and certifies(pilot.challenge.organisation_id))


def _can_see(user: User | None, cert: Certification) -> bool:
    return access.manager_or_member_of(user, cert.municipality_id) or access.acts_for(
        user, cert.startup_id)


def get_visible(user: User | None, cert_id: int) -> Certification:
    cert = db.session.get(Certification, cert_id)
    return access.visible_or_404(cert, cert is not None and _can_see(user, cert),
                                 _("This certification does not exist."))


def list_query(user: User | None) -> Select:
    """The town's own (or the startup's own) certifications, newest first; managers all."""
    query = select(Certification).options(joinedload(Certification.municipality),
                                          joinedload(Certification.startup))
    if not access.manager(user):
        org_id = access.own_org_id(user)
        query = query.where((Certification.municipality_id == org_id)
                            | (Certification.startup_id == org_id))
    return query.order_by(Certification.created_at.desc(), Certification.id.desc())


def for_pilot(user: User | None, pilot: Pilot) -> Certification | None:
    """The pilot's latest certification, if this user may see it."""
    cert = db.session.scalar(select(Certification).where(Certification.pilot_id == pilot.id)
                             .order_by(Certification.id.desc()).limit(1))
    return cert if cert is not None and _can_see(user, cert) else None


def granted_for_startup(startup_id: int, today: date | None = None) -> list[Certification]:
    """The startup's granted certifications still valid today, with their towns (for its
    profile page)."""
    today = today or formatting.local_today()
    return list(db.session.scalars(
        select(Certification).options(joinedload(Certification.municipality))
        .where(Certification.startup_id == startup_id,
               Certification.state == CertificationState.granted,
               Certification.valid_until >= today)
        .order_by(Certification.valid_until.desc()).limit(50)))


def valid_for(municipality_id: int, startup_id: int, today: date | None = None) -> bool:
    """A granted, still-valid certification of this startup by this town: the route
    "certified" is open for the town's purchase."""
    return any(c.municipality_id == municipality_id
               for c in granted_for_startup(startup_id, today))


def _capability(pilot: Pilot) -> Capability | None:
    wanted = set(pilot.challenge.categories or [])
    found = list(db.session.scalars(select(Capability).where(
        Capability.organisation_id == pilot.startup_id).order_by(Capability.id).limit(20)))
    return next((c for c in found if wanted & set(c.categories or [])),
                found[0] if found else None)


def prefill(pilot: Pilot) -> dict[str, str]:
    """The application's texts drafted from the pilot and the startup's capability."""
    challenge, capability = pilot.challenge, _capability(pilot)
    solution = db.session.get(Solution, pilot.solution_id) if pilot.solution_id else None
    name = solution.name if solution else capability.title if capability else \
        _("%(startup)s: solution for %(challenge)s", startup=pilot.startup.name,
          challenge=challenge.title)
    kpis = evidence.kpi_rows(pilot)
    year = challenge.adoption_fiscal_year
    period = evidence.run_period(pilot, history.timeline("pilot", pilot.id))
    return {
        "product_name": name[:200],
        "plan_targets": "\n".join(t for t in (challenge.desired_outcome,
                                              challenge.success_criteria) if t),
        "plan_content": "\n".join(t for t in (
            solution.summary if solution else capability.description if capability else "",
            pilot.verified) if t),
        "plan_timing": _("Adoption from FY %(year)s, after the pilot (%(period)s).",
                         year=year, period=period) if year else
        _("After the pilot (%(period)s).", period=period),
        "plan_funding": _("Pilot cost: %(pilot)s. Annual cost after adoption: %(annual)s.",
                          pilot=formatting.yen(pilot.pilot_cost),
                          annual=formatting.yen(pilot.annual_cost)),
        "novelty": "\n".join(t for t in (
            _("Results of the pilot with %(town)s:", town=challenge.organisation.name),
            kpi_results(kpis) if kpis else "", pilot.learned) if t),
        "expert_opinions": "",
    }


@transaction.unit_of_work(_STALE)
def draft(actor: User, pilot: Pilot) -> Certification:
    """The application drafted from the pilot; a pilot with a draft or grant keeps that one."""
    town_id = pilot.challenge.organisation_id
    access.require(access.manager_or_member_of(actor, town_id),
                   _("Only the challenge's municipality and the programme office can draft "
                     "a certification."))
    if not certifies(town_id):
        raise DomainError(_("This town does not certify new-business-field products. Turn "
                            "the scheme on in the town's budget calendar first."))
    if not evidence.ready(pilot):
        raise InvalidTransition(_("A certification is drafted from the pilot's results: "
                                  "from evaluation on."))
    existing = db.session.scalar(select(Certification).where(
        Certification.pilot_id == pilot.id,
        Certification.state != CertificationState.refused).limit(1))
    if existing is not None:
        return existing
    cert = Certification(municipality_id=town_id, startup_id=pilot.startup_id,
                         pilot_id=pilot.id, solution_id=pilot.solution_id, **prefill(pilot))
    db.session.add(cert)
    db.session.flush()
    history.record(HISTORY, cert.id, actor, None, CertificationState.draft.value,
                   _("Drafted from the pilot."))
    return cert


def _clean(values: dict) -> dict[str, str]:
    cleaned = {}
    for key in PLAN_FIELDS:
        if key not in values:
            continue
        text = (values[key] or "").strip()
        if len(text) > (200 if key == "product_name" else MAX_TEXT):
            raise DomainError(_("This text is too long."), field=key)
        cleaned[key] = text
    if "product_name" in cleaned and not cleaned["product_name"]:
        raise DomainError(_("Name the product or service to certify."), field="product_name")
    return cleaned


@transaction.unit_of_work(_STALE)
def update(actor: User, cert: Certification, expected_version: int | None,
           **values) -> Certification:
    """Edit the draft's texts (the municipality or a manager, while it is a draft)."""
    access.require(may_change(actor, cert), _("Only the certifying municipality and the "
                                              "programme office can change this application."))
    if cert.state != CertificationState.draft:
        raise InvalidTransition(_("The decision is recorded: the application can no longer "
                                  "be changed."))
    transaction.check_version(cert, expected_version)
    changed = [key for key, value in _clean(values).items() if getattr(cert, key) != value]
    for key, value in _clean(values).items():
        setattr(cert, key, value)
    if changed:
        history.record(HISTORY, cert.id, actor, cert.state.value, cert.state.value,
                       _("Edited: %(fields)s", fields=", ".join(changed)))
    return cert


def _check_dates(granted_on: date | None, valid_until: date | None, today: date) -> None:
    if granted_on is None:
        raise DomainError(_("Enter the date of the grant."), field="granted_on")
    if not today - timedelta(days=366 * 5) <= granted_on <= today + timedelta(days=366):
        raise DomainError(_("The date of the grant must be within five years before and one "
                            "year after today."), field="granted_on")
    if valid_until is None:
        raise DomainError(_("Enter the last day of validity."), field="valid_until")
    if valid_until <= granted_on:
        raise DomainError(_("The certification must be valid until a day after the grant."),
                          field="valid_until")
    if valid_until > granted_on + timedelta(days=366 * MAX_VALIDITY_YEARS):
        raise DomainError(_("A certification is valid for at most ten years."),
                          field="valid_until")


@transaction.unit_of_work(_STALE)
def decide(actor: User, cert: Certification, expected_version: int | None, decision: str, *,
           number: str = "", granted_on: date | None = None,
           valid_until: date | None = None, note: str = "",
           today: date | None = None) -> Certification:
    """Record the town's decision on a draft: granted (number, date, validity) or refused."""
    access.require(may_change(actor, cert), _("Only the certifying municipality and the "
                                              "programme office can decide."))
    if cert.state != CertificationState.draft:
        raise InvalidTransition(_("The decision on this application is already recorded."))
    transaction.check_version(cert, expected_version)
    if decision == CertificationState.granted.value:
        if not certifies(cert.municipality_id):
            raise DomainError(_("This town does not certify new-business-field products. Turn "
                                "the scheme on in the town's budget calendar first."))
        number = (number or "").strip()
        if not number:
            raise DomainError(_("Enter the certification number."), field="number")
        if len(number) > 60:
            raise DomainError(_("This text is too long."), field="number")
        _check_dates(granted_on, valid_until, today or formatting.local_today())
        cert.number, cert.granted_on, cert.valid_until = number, granted_on, valid_until
        note = note or _("No. %(number)s, valid %(start)s to %(end)s", number=number,
                         start=formatting.date(granted_on), end=formatting.date(valid_until))
    elif decision == CertificationState.refused.value:
        if not (note or "").strip():
            raise DomainError(_("Say why the application was refused."), field="note")
    else:
        raise PermissionDenied(_("The request was not valid. Please try again."))
    before = cert.state.value
    cert.state = CertificationState(decision)
    history.record(HISTORY, cert.id, actor, before, decision, (note or "").strip()[:MAX_TEXT])
    return cert


def timeline(user: User | None, cert: Certification) -> list:
    access.visible_or_404(cert, _can_see(user, cert), _("This certification does not exist."))
    return history.timeline(HISTORY, cert.id)


def state_label(state: str) -> str:
    return str({"draft": _l("Draft"), "granted": _l("Granted"),
                "refused": _l("Refused")}.get(state, state))
