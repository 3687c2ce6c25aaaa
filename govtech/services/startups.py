"""Startup profiles and capabilities: editing, access and the directory."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from govtech.extensions import db
from govtech.models import Capability, Organisation, OrgKind, OrgState, User
from govtech.models.procurement import BidRegistration, ProcurementProfile
from govtech.reference import PREFECTURES
from govtech.services import access, history, readiness, recommendations, search, transaction
from govtech.services.challenges import check_categories_and_tags, today
from govtech.services.errors import DomainError

PROFILE_FIELDS = ("description", "website", "founded_year", "employees",
                  "head_office_prefecture", "regions_served")
CAPABILITY_FIELDS = ("title", "description", "categories", "tags", "track_record", "regions")


def can_edit(user: User | None, org: Organisation) -> bool:
    return access.manager_or_member_of(user, org.id)


def _may_know(user: User | None, org: Organisation) -> bool:
    """Approved startups are visible to members; a pending one only to itself and managers."""
    return org.kind == OrgKind.startup and (
        org.state == OrgState.approved or access.manager(user) or access.belongs_to(user, org.id))


def get_visible(user: User | None, org_id: int) -> Organisation:
    org = db.session.get(Organisation, org_id)
    return access.visible_or_404(org, org is not None and _may_know(user, org),
                                 _("This startup does not exist."))


def _require_editor(user: User | None, org: Organisation) -> None:
    access.require(can_edit(user, org), _("Only members of this startup can change its profile."))


def get_editable(user: User, org_id: int) -> Organisation:
    org = get_visible(user, org_id)
    _require_editor(user, org)
    return org


def served_prefectures(regions: list[str]) -> set[str]:
    """Prefecture codes that a list of codes, region names (関東 …) or 全国/all stands for."""
    if "all" in regions or "全国" in regions:
        return set(PREFECTURES)
    return {code for code, (_ja, _en, region) in PREFECTURES.items()
            if code in regions or region in regions}


def reindex(org: Organisation) -> None:
    """The directory searches a startup by its profile and all its capabilities."""
    texts = [org.name, org.description]
    facets: set[str] = set()
    regions = set(served_prefectures(org.regions_served))
    for capability in org.capabilities:
        texts += [capability.title, capability.description, " ".join(capability.tags),
                  " ".join(str(r.get("town", "")) for r in capability.track_record)]
        facets.update(search.facet("category", c) for c in capability.categories)
        regions |= served_prefectures(capability.regions)
    if org.head_office_prefecture:
        regions.add(org.head_office_prefecture)
    facets.update(search.facet("prefecture", code) for code in regions)
    search.index("startup", org.id, texts, facets)


@transaction.unit_of_work()
def reindex_all() -> int:
    """Rebuild the search terms of every startup (after an upgrade that changed them)."""
    orgs = list(db.session.scalars(select(Organisation).where(
        Organisation.kind == OrgKind.startup).options(selectinload(Organisation.capabilities))))
    for org in orgs:
        reindex(org)
    return len(orgs)


def _refresh_after_commit(org: Organisation) -> None:
    transaction.after_commit(lambda: recommendations.refresh_quietly("startup", org))


@transaction.unit_of_work(_l("Someone else saved this profile while you were editing. "
                             "Your text is still in the form."))
def update_profile(actor: User, org: Organisation, *, expected_version: int | None,
                   **values) -> None:
    """Save the startup's profile, unless someone else saved since `expected_version`."""
    _require_editor(actor, org)
    transaction.check_version(org, expected_version)
    year = values.get("founded_year")
    if year is not None and not 1800 <= year <= today().year:
        raise DomainError(_("Enter a founding year between 1800 and this year."),
                          field="founded_year")
    if (values.get("employees") or 0) < 0:
        raise DomainError(_("The number of employees cannot be negative."), field="employees")
    for key in PROFILE_FIELDS:
        if key in values:
            setattr(org, key, values[key])
    reindex(org)
    _refresh_after_commit(org)


@transaction.unit_of_work(_l("Someone else saved this capability while you were editing. "
                             "Your text is still in the form."))
def save_capability(actor: User, org: Organisation, capability: Capability | None, *,
                    expected_version: int | None = None, **values) -> Capability:
    """Add a capability, or edit one (checking `expected_version`), and reindex the startup."""
    _require_editor(actor, org)
    check_categories_and_tags(values)
    for record in values.get("track_record", []):
        if not 1950 <= record["year"] <= today().year:
            raise DomainError(_("A track-record year must be between 1950 and this year."),
                              field="track_record")
    if capability is None:
        capability = Capability(organisation=org)
        db.session.add(capability)
    else:
        transaction.check_version(capability, expected_version)
    for key in CAPABILITY_FIELDS:
        if key in values:
            setattr(capability, key, values[key])
    db.session.flush()
    reindex(org)
    _refresh_after_commit(org)
    return capability


def get_capability(actor: User, capability_id: int) -> Capability:
    capability = access.visible_or_404(db.session.get(Capability, capability_id), True,
                                       _("This capability does not exist."))
    get_editable(actor, capability.organisation_id)
    return capability


@transaction.unit_of_work()
def delete_capability(actor: User, capability: Capability) -> None:
    org = capability.organisation
    _require_editor(actor, org)
    org.capabilities.remove(capability)
    db.session.flush()
    reindex(org)
    _refresh_after_commit(org)


@dataclass
class Filters:
    q: str = ""
    category: str = ""
    prefecture: str = ""
    sort: str = "name"


def list_query(filters: Filters) -> Select[tuple[Organisation]] | None:
    """Approved startups matching the filters; None when the search has no words."""
    query = (select(Organisation)
             .where(Organisation.kind == OrgKind.startup, Organisation.state == OrgState.approved)
             .options(selectinload(Organisation.capabilities)))
    terms = search.filter_terms(filters.q, filters.category, filters.prefecture)
    if terms is None:
        return None
    if terms:
        query = query.where(Organisation.id.in_(search.matching_ids("startup", terms)))
    order = Organisation.created_at.desc() if filters.sort == "new" else Organisation.name
    return query.order_by(order, Organisation.id)


# --- procurement readiness (issue 17): the profile and the towns it may bid in ----------------

MAX_LISTINGS, MAX_LISTING_LENGTH = 20, 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _keep_level(org_id: int, profile: ProcurementProfile) -> None:
    """The stored level follows every save (services.readiness explains the rules)."""
    db.session.flush()
    profile.level = readiness.compute(profile, readiness.bids_of(org_id))


def _profile_for_update(org: Organisation) -> ProcurementProfile:
    profile = readiness.profile_of(org.id)
    if profile is None:
        profile = ProcurementProfile(organisation_id=org.id, marketplace_listings=[], level=0)
        db.session.add(profile)
    return profile


def _check_listings(listings: list[str]) -> list[str]:
    cleaned = [item.strip() for item in listings if item.strip()]
    if len(cleaned) > MAX_LISTINGS:
        raise DomainError(_("List at most %(n)d marketplace listings.", n=MAX_LISTINGS),
                          field="marketplace_listings")
    for item in cleaned:
        if len(item) > MAX_LISTING_LENGTH or _CONTROL.search(item):
            raise DomainError(_("Each listing is a name or a web address of at most %(n)d "
                                "characters.", n=MAX_LISTING_LENGTH), field="marketplace_listings")
        if "://" in item and not re.fullmatch(r"https?://[^\s/]+\.[^\s]+", item):
            raise DomainError(_("A listing's web address must start with https:// or http://."),
                              field="marketplace_listings")
    return list(dict.fromkeys(cleaned))


@transaction.unit_of_work(_l("Someone else saved this procurement profile while you were "
                             "editing. Your entries are still in the form."))
def save_procurement(actor: User, org: Organisation, *, expected_version: int | None,
                     unified_grade: str | None, unified_valid_until: date | None,
                     gbizid_prime: bool, ismap: str | None,
                     marketplace_listings: list[str]) -> ProcurementProfile:
    """Record what the startup holds to be bought by a town, and keep its level in step."""
    _require_editor(actor, org)
    existing = readiness.profile_of(org.id)
    if existing is not None:  # a form opened before the profile existed is out of date too
        transaction.check_version(existing, -1 if expected_version is None else expected_version)
    grade = (unified_grade or "").strip().upper() or None
    if grade is not None and grade not in readiness.GRADES:
        raise DomainError(_("The grade of 全省庁統一資格 is A, B, C or D."), field="unified_grade")
    if grade is not None and unified_valid_until is None:
        raise DomainError(_("Enter the date until which the qualification is valid."),
                          field="unified_valid_until")
    if grade is None and unified_valid_until is not None:
        raise DomainError(_("Choose the grade of the qualification, or clear its date."),
                          field="unified_grade")
    changed_entry = existing is None or (existing.unified_grade, existing.unified_valid_until) \
        != (grade, unified_valid_until)
    if changed_entry and unified_valid_until is not None and unified_valid_until < today():
        raise DomainError(_("This date has passed: enter a qualification that is still valid."),
                          field="unified_valid_until")
    if ismap is not None and ismap not in readiness.ISMAP_CHOICES:
        raise DomainError(_("Choose ISMAP, ISMAP-LIU or none."), field="ismap")
    listings = _check_listings(marketplace_listings)
    profile = _profile_for_update(org)
    before = profile.level
    profile.unified_grade, profile.unified_valid_until = grade, unified_valid_until
    profile.gbizid_prime, profile.ismap = bool(gbizid_prime), ismap
    profile.marketplace_listings = listings
    _keep_level(org.id, profile)
    history.record("procurement_profile", org.id, actor, str(before), str(profile.level),
                   "; ".join(filter(None, (grade and f"{grade} {unified_valid_until}",
                                           "GビズID" if gbizid_prime else "", ismap or "",
                                           *listings)))[:1000])
    return profile


def find_town(text: str) -> Organisation:
    """A municipality by its name, by prefecture + name (「秋田県由利本荘市」) or by its code."""
    typed = (text or "").strip()
    compact = re.sub(r"\s+", "", typed)
    if not compact:
        raise DomainError(_("Enter the name of the municipality."), field="town")
    said = {typed, compact}
    candidates = [] if len(typed) > 60 else list(db.session.scalars(select(Organisation).where(
        Organisation.kind == OrgKind.municipality,
        (Organisation.lg_code == compact) | Organisation.name.in_(
            said | {_strip_prefecture(typed).strip(), _strip_prefecture(compact)})).limit(20)))
    exact = [org for org in candidates if org.lg_code == compact or _full_name(org) in said]
    matches = exact or [org for org in candidates if org.name in said]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise DomainError(_("Several municipalities have this name: add the prefecture, e.g. "
                            "%(example)s.", example=_full_name(matches[0])), field="town")
    raise DomainError(_("No municipality has this name."), field="town")


def _strip_prefecture(words: str) -> str:
    for ja, _en, _region in PREFECTURES.values():
        if words.startswith(ja) and len(words) > len(ja):
            return words[len(ja):]
    return words


def _full_name(org: Organisation) -> str:
    """A town as people write it to tell namesakes apart: 「秋田県由利本荘市」 (a prefecture
    alone stays 「福井県」)."""
    prefecture = PREFECTURES.get(org.prefecture or "", ("",))[0]
    return org.name if not prefecture or org.name.startswith(prefecture) else prefecture + org.name


def town_choices(limit: int = 2000) -> list[str]:
    """The names the bid form's datalist offers (a search box, never a 1,788-option select)."""
    rows = db.session.scalars(select(Organisation).where(
        Organisation.kind == OrgKind.municipality, Organisation.state == OrgState.approved)
        .order_by(Organisation.prefecture, Organisation.name).limit(limit))
    return [_full_name(org) for org in rows]


@transaction.unit_of_work()
def add_bid_registration(actor: User, org: Organisation, *, town: str,
                         valid_until: date | None) -> BidRegistration:
    """Record that the startup is on a town's list of qualified bidders."""
    _require_editor(actor, org)
    municipality = find_town(town)
    if valid_until is not None and valid_until < today():
        raise DomainError(_("This date has passed: enter a registration that is still valid."),
                          field="valid_until")
    if db.session.scalar(select(BidRegistration.id).where(
            BidRegistration.startup_id == org.id,
            BidRegistration.municipality_id == municipality.id)) is not None:
        raise DomainError(_("%(town)s is already on your list.", town=municipality.name),
                          field="town")
    bid = BidRegistration(startup_id=org.id, municipality_id=municipality.id,
                          valid_until=valid_until)
    db.session.add(bid)
    profile = _profile_for_update(org)
    before = profile.level
    _keep_level(org.id, profile)
    history.record("procurement_profile", org.id, actor, str(before), str(profile.level),
                   _("Bid registration added: %(town)s", town=municipality.name))
    return bid


@transaction.unit_of_work()
def remove_bid_registration(actor: User, org: Organisation, bid_id: int | None) -> None:
    _require_editor(actor, org)
    bid = db.session.get(BidRegistration, bid_id) if bid_id else None
    if bid is None or bid.startup_id != org.id:
        raise DomainError(_("This registration is no longer on your list."))
    town = db.session.get(Organisation, bid.municipality_id)
    db.session.delete(bid)
    profile = _profile_for_update(org)
    before = profile.level
    _keep_level(org.id, profile)
    history.record("procurement_profile", org.id, actor, str(before), str(profile.level),
                   _("Bid registration removed: %(town)s", town=town.name if town else ""))
