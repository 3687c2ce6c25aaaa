"""The startup directory, profiles, and their capabilities."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech import reference
from govtech.blueprints import pages
from govtech.blueprints.startups.forms import (
    BidForm,
    CapabilityForm,
    ProcurementForm,
    ProfileForm,
    StartupFilterForm,
)
from govtech.services import readiness, recommendations, startups

bp = Blueprint("startups", __name__, url_prefix="/startups")


@bp.get("/")
def list_startups():
    form = StartupFilterForm(request.args)
    form.category.choices = [("", _("All"))] + reference.category_choices()
    form.validate()
    query = startups.list_query(startups.Filters(
        q=form.q.data or "", category=form.category.data or "",
        prefecture=form.prefecture.data or "", sort=form.sort.data or "name"))
    page = pages.list_page(query) if query is not None else None
    return render_template("startups/list.html", form=form, page=page, args=pages.list_args(),
                           applied=pages.applied_filters())


@bp.get("/<int:org_id>")
def show_startup(org_id: int):
    org = startups.get_visible(current_user, org_id)
    return render_template("startups/show.html", org=org,
                           can_edit=startups.can_edit(current_user, org),
                           pair=recommendations.pair_with_startup(current_user, org.id),
                           readiness=readiness.for_org(current_user, org.id),
                           served=sorted(startups.served_prefectures(org.regions_served)))


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
def edit_profile(org_id: int):
    org = startups.get_editable(current_user, org_id)
    form = ProfileForm(obj=org)
    if request.method == "GET":
        form.version.data = org.version
    if pages.submit(form, lambda: startups.update_profile(
            current_user, org, expected_version=int(form.version.data or 0), **form.values()),
            _("Your changes are saved.")):
        return redirect(url_for("startups.show_startup", org_id=org.id))
    return render_template("startups/profile_form.html", form=form, org=org), pages.status(form)


def _capability_page(org, capability=None):
    form = CapabilityForm(obj=capability)
    if request.method == "GET" and capability is not None:
        form.version.data = capability.version
    if pages.submit(form, lambda: startups.save_capability(
            current_user, org, capability,
            expected_version=int(form.version.data or 0) if capability else None,
            **form.values()), _("Your changes are saved.")):
        return redirect(url_for("startups.show_startup", org_id=org.id))
    return render_template("startups/capability_form.html", form=form, org=org,
                           capability=capability), pages.status(form)


@bp.route("/<int:org_id>/capabilities/new", methods=["GET", "POST"])
def new_capability(org_id: int):
    return _capability_page(startups.get_editable(current_user, org_id))


@bp.route("/capabilities/<int:capability_id>/edit", methods=["GET", "POST"])
def edit_capability(capability_id: int):
    capability = startups.get_capability(current_user, capability_id)
    return _capability_page(capability.organisation, capability)


@bp.post("/capabilities/<int:capability_id>/delete")
def delete_capability(capability_id: int):
    capability = startups.get_capability(current_user, capability_id)
    org_id = capability.organisation_id
    pages.run(pages.confirmed_first(lambda: startups.delete_capability(current_user, capability)),
              _("The capability is removed."))
    return redirect(url_for("startups.show_startup", org_id=org_id))


def _stored_form(org) -> ProcurementForm:
    """The profile form as stored (blank for a startup without one yet)."""
    profile = readiness.profile_of(org.id)
    form = ProcurementForm(formdata=None)
    if profile is not None:
        form.version.data = profile.version
        form.unified_grade.data = profile.unified_grade or ""
        form.unified_valid_until.data = profile.unified_valid_until
        form.gbizid_prime.data = profile.gbizid_prime
        form.ismap.data = profile.ismap or ""
        form.marketplace_listings.data = "\n".join(profile.marketplace_listings or [])
    return form


@bp.route("/<int:org_id>/procurement", methods=["GET", "POST"])
def edit_procurement(org_id: int):
    """The procurement readiness form: the profile, and the towns where the startup may bid.
    Both forms post here (`action`); the one refused is shown again as typed."""
    org = startups.get_editable(current_user, org_id)
    posted = request.form.get("action") if request.method == "POST" else None
    form = ProcurementForm() if posted == "profile" else _stored_form(org)
    bid_form = BidForm() if posted == "bid" else BidForm(formdata=None)
    if posted == "bid" and pages.submit(bid_form, lambda: startups.add_bid_registration(
            current_user, org, town=bid_form.town.data or "",
            valid_until=bid_form.valid_until.data), _("The registration is added.")):
        return redirect(url_for("startups.edit_procurement", org_id=org.id) + "#bids")
    if posted == "profile" and pages.submit(form, lambda: startups.save_procurement(
            current_user, org, expected_version=_int(form.version.data), **form.values()),
            _("Your changes are saved.")):
        return redirect(url_for("startups.show_startup", org_id=org.id))
    if posted not in (None, "bid", "profile"):
        form.form_errors.append(_("The request was not valid. Please try again."))
    bids = readiness.bids_of(org.id)
    return render_template(
        "startups/procurement_form.html", org=org, form=form, bid_form=bid_form, bids=bids,
        towns=readiness.town_names(bids), town_choices=startups.town_choices(),
        summary=readiness.for_org(current_user, org.id),
        today=startups.today()), pages.status(form, bid_form)


def _int(value: str | None) -> int | None:
    text = value or ""
    return int(text) if text.isdigit() else None


@bp.post("/<int:org_id>/bids/remove")
def remove_bid(org_id: int):
    org = startups.get_editable(current_user, org_id)
    pages.run(pages.confirmed_first(lambda: startups.remove_bid_registration(
        current_user, org, _int(request.form.get("bid_id")))),
        _("The registration is removed."))
    return redirect(url_for("startups.edit_procurement", org_id=org.id) + "#bids")
