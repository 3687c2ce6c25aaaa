"""Startups and their capabilities: the directory with the page's filters, a startup's profile
(read, edit) and its capabilities (list, read, add, edit, delete). The same service functions as
the startup pages (services.startups): visibility, validation and who may edit are theirs."""
from __future__ import annotations

from flask import Response, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech.api import paging
from govtech.api.declare import check_if_match, if_match, no_content, ok, operation
from govtech.api.problems import Problem
from govtech.api.schemas_common import Page
from govtech.api.schemas_startups import (
    CapabilityIn,
    CapabilityOut,
    CapabilityPatch,
    ProfilePatch,
    StartupOut,
    StartupQuery,
    TrackRecordItem,
)
from govtech.models import Capability, Organisation
from govtech.services import startups

TAG = "startups"


def capability_out(capability: Capability) -> CapabilityOut:
    return CapabilityOut(
        id=capability.id, updated_at=capability.updated_at, version=capability.version,
        startup_id=capability.organisation_id, title=capability.title,
        description=capability.description or "", categories=list(capability.categories or []),
        tags=list(capability.tags or []),
        track_record=[TrackRecordItem(town=str(r.get("town", "")), year=int(r.get("year", 0)),
                                      note=str(r.get("note") or ""))
                      for r in capability.track_record or []],
        regions=list(capability.regions or []))


def startup_out(org: Organisation) -> StartupOut:
    return StartupOut(
        id=org.id, updated_at=org.updated_at, version=org.version, name=org.name,
        state=org.state.value,  # type: ignore[arg-type]
        description=org.description or "", website=org.website,
        founded_year=org.founded_year, employees=org.employees,
        head_office_prefecture=org.head_office_prefecture,
        regions_served=list(org.regions_served or []),
        capabilities=[capability_out(c) for c in org.capabilities],
        can_edit=startups.can_edit(current_user, org))


def _capability_of(org_id: int, capability_id: int, capability: Capability | None) -> Capability:
    """The capability, if it is one of this startup's (else it does not exist here)."""
    if capability is None or capability.organisation_id != org_id:
        raise Problem(404, "not_found", _("This capability does not exist."))
    return capability


def _values(body: CapabilityIn | CapabilityPatch, *, partial: bool) -> dict:
    return body.model_dump(exclude_unset=partial)


@operation("GET", "/startups", tag=TAG, query=StartupQuery, response=Page[StartupOut],
           mirrors=("startups.list_startups",))
def list_startups(query: StartupQuery) -> Response:
    """List startups

    The startup directory (members): approved startups, with the page's search and filters.
    Ordered by `updated_at` (of the profile), then `id`.
    """
    stmt = startups.list_query(startups.Filters(
        q=query.q, category=query.category or "", prefecture=query.prefecture or ""))
    if stmt is None:  # a search of only stop words finds nothing, as on the page
        return paging.respond(paging.PageResult([], None), [])
    page = paging.paginate(stmt, key=(Organisation.updated_at, Organisation.id), query=query)
    return paging.respond(page, [startup_out(org) for org in page.items])


@operation("GET", "/startups/<int:org_id>", tag=TAG, response=StartupOut,
           mirrors=("startups.show_startup",))
def get_startup(org_id: int) -> Response:
    """Read a startup

    Its profile and capabilities; a pending startup only for its members and managers.
    """
    org = startups.get_visible(current_user, org_id)
    return ok(startup_out(org), record=org)


@operation("PATCH", "/startups/<int:org_id>", tag=TAG, body=ProfilePatch, response=StartupOut,
           mirrors=("startups.edit_profile",))
def edit_startup(org_id: int, body: ProfilePatch) -> Response:
    """Edit a startup's profile

    Its members and managers. Only the fields sent change. `If-Match`: 412 on a stale version.
    """
    org = startups.get_editable(current_user, org_id)
    startups.update_profile(current_user, org, expected_version=if_match(),
                            **body.model_dump(exclude_unset=True))
    return ok(startup_out(org), record=org)


@operation("GET", "/startups/<int:org_id>/capabilities", tag=TAG, response=Page[CapabilityOut],
           mirrors=("startups.show_startup",))
def list_capabilities(org_id: int) -> Response:
    """List a startup's capabilities

    All of them in one page (a startup has a few), as its page shows them.
    """
    org = startups.get_visible(current_user, org_id)
    return paging.respond(paging.PageResult(list(org.capabilities), None),
                          [capability_out(c) for c in org.capabilities])


@operation("GET", "/startups/<int:org_id>/capabilities/<int:capability_id>", tag=TAG,
           response=CapabilityOut, mirrors=("startups.show_startup",))
def get_capability(org_id: int, capability_id: int) -> Response:
    """Read a capability"""
    org = startups.get_visible(current_user, org_id)
    found = next((c for c in org.capabilities if c.id == capability_id), None)
    capability = _capability_of(org_id, capability_id, found)
    return ok(capability_out(capability), record=capability)


@operation("POST", "/startups/<int:org_id>/capabilities", tag=TAG, body=CapabilityIn,
           response=CapabilityOut, status=201, mirrors=("startups.new_capability",))
def create_capability(org_id: int, body: CapabilityIn) -> Response:
    """Add a capability

    The startup's members and managers.
    """
    org = startups.get_editable(current_user, org_id)
    capability = startups.save_capability(current_user, org, None,
                                          **_values(body, partial=False))
    return ok(capability_out(capability), status=201, record=capability,
              headers={"Location": url_for("api.get_capability", org_id=org_id,
                                           capability_id=capability.id)})


@operation("PATCH", "/startups/<int:org_id>/capabilities/<int:capability_id>", tag=TAG,
           body=CapabilityPatch, response=CapabilityOut, mirrors=("startups.edit_capability",))
def edit_capability(org_id: int, capability_id: int, body: CapabilityPatch) -> Response:
    """Edit a capability

    Only the fields sent change. `If-Match`: 412 on a stale version.
    """
    capability = _capability_of(org_id, capability_id,
                                startups.get_capability(current_user, capability_id))
    startups.save_capability(current_user, capability.organisation, capability,
                             expected_version=if_match(), **_values(body, partial=True))
    return ok(capability_out(capability), record=capability)


@operation("DELETE", "/startups/<int:org_id>/capabilities/<int:capability_id>", tag=TAG,
           status=204, mirrors=("startups.delete_capability",))
def delete_capability(org_id: int, capability_id: int) -> Response:
    """Delete a capability

    No confirmation step on the API. `If-Match`: 412 on a stale version.
    """
    capability = _capability_of(org_id, capability_id,
                                startups.get_capability(current_user, capability_id))
    check_if_match(capability)
    startups.delete_capability(current_user, capability)
    return no_content()
