"""Startup profiles and capabilities: editing, access and the directory."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from govtech.extensions import db
from govtech.models import Capability, Organisation, OrgKind, OrgState, User
from govtech.reference import PREFECTURES
from govtech.services import access, recommendations, search, transaction
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
