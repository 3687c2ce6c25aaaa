"""Joint marketing: list and read the pairs' activities, create, edit, submit for the three-party
approval, approve, send back, publish, cancel. The same service functions as the marketing pages
(services.marketing, services.marketing_lists)."""
from __future__ import annotations

from flask import Response
from flask_login import current_user

from govtech.api import paging
from govtech.api.declare import if_match, ok, operation
from govtech.api.pilots import challenge_ref
from govtech.api.schemas_common import Page
from govtech.api.schemas_marketing import (
    ActivityIn,
    ActivityOut,
    ActivityPatch,
    ActivityQuery,
    ActivityStateIn,
    ApprovalOut,
)
from govtech.api.schemas_pilots import OrganisationRef
from govtech.models import MarketingActivity
from govtech.models.marketing import APPROVAL_SIDES
from govtech.services import marketing, marketing_lists, pilots

TAG = "marketing"


def activity_out(activity: MarketingActivity) -> ActivityOut:
    pilot = activity.pilot
    return ActivityOut(
        id=activity.id, updated_at=activity.updated_at, version=activity.version,
        pilot_id=pilot.id, challenge=challenge_ref(pilot.challenge),
        startup=OrganisationRef.model_validate(pilot.startup), kind=activity.kind.value,
        title=activity.title, body=activity.body or "", planned_date=activity.planned_date,
        is_public=activity.is_public, state=activity.state.value,
        published_at=activity.published_at,
        approvals=[ApprovalOut(side=who, approved=activity.has_approval(who),  # type: ignore[arg-type]
                               approved_at=getattr(activity, f"{who}_approved_at"))
                   for who in APPROVAL_SIDES],
        my_side=marketing.side(current_user, activity),  # type: ignore[arg-type]
        can_approve=marketing.may_approve(current_user, activity),
        allowed_states=marketing.allowed_targets(current_user, activity))  # type: ignore[arg-type]


@operation("GET", "/marketing", tag=TAG, query=ActivityQuery, response=Page[ActivityOut],
           mirrors=("marketing.list_activities",))
def list_marketing(query: ActivityQuery) -> Response:
    """List marketing activities

    The activities of the caller's pairs (all of them for the programme office), with the
    marketing page's filters. Ordered by `updated_at`, then `id`.
    """
    filters = marketing_lists.Filters(q=query.q, kind=query.kind or "", state=query.state or "")
    stmt = marketing_lists.list_query(current_user, filters)
    page = paging.paginate(stmt, key=(MarketingActivity.updated_at, MarketingActivity.id),
                           query=query)
    return paging.respond(page, [activity_out(a) for a in page.items])


@operation("GET", "/marketing/<int:activity_id>", tag=TAG, response=ActivityOut,
           mirrors=("marketing.show_activity",))
def get_marketing(activity_id: int) -> Response:
    """Read a marketing activity

    For the pair's parties and the programme office; 404 for everyone else.
    """
    activity = marketing.get_visible(current_user, activity_id)
    return ok(activity_out(activity), record=activity)


@operation("POST", "/pilots/<int:pilot_id>/marketing", tag=TAG, body=ActivityIn,
           response=ActivityOut, status=201,
           mirrors=("marketing.new_activity",))
def create_marketing(pilot_id: int, body: ActivityIn) -> Response:
    """Plan a marketing activity for a pair

    Either party or a manager; not while an organisation of the pair is suspended.
    """
    pilot = pilots.get_visible(current_user, pilot_id)
    activity = marketing.create(current_user, pilot, **body.model_dump())
    return ok(activity_out(activity), status=201, record=activity,
              headers={"Location": f"/api/v1/marketing/{activity.id}"})


@operation("PATCH", "/marketing/<int:activity_id>", tag=TAG, body=ActivityPatch,
           response=ActivityOut,
           mirrors=("marketing.edit_activity",))
def edit_marketing(activity_id: int, body: ActivityPatch) -> Response:
    """Edit a marketing activity

    Until it is published or cancelled. Changing the reviewed text (kind, title, text, public)
    clears the approvals given; an approved activity goes back to review. `If-Match`: 412 on a
    stale version.
    """
    activity = marketing.get_visible(current_user, activity_id)
    marketing.update(current_user, activity, if_match(), **body.model_dump(exclude_unset=True))
    return ok(activity_out(activity), record=activity)


@operation("POST", "/marketing/<int:activity_id>/approve", tag=TAG, response=ActivityOut,
           mirrors=("marketing.approve",))
def approve_marketing(activity_id: int) -> Response:
    """Approve a marketing activity for the caller's side

    The municipality, the startup and the programme office each approve an activity in review;
    the third approval makes it approved (and takes the case study's KPI figures).
    `If-Match`: 412 on a stale version.
    """
    activity = marketing.get_visible(current_user, activity_id)
    marketing.approve(current_user, activity, if_match())
    return ok(activity_out(activity), record=activity)


@operation("POST", "/marketing/<int:activity_id>/refresh-figures", tag=TAG, response=ActivityOut,
           mirrors=("marketing.refresh_figures",))
def refresh_marketing_figures(activity_id: int) -> Response:
    """Ask the three sides to approve the pilot's current KPI figures

    For an approved or published case study whose pilot's KPIs changed since approval: the
    approvals are cleared and all three sides are asked again (422 if nothing changed).
    `If-Match`: 412 on a stale version.
    """
    activity = marketing.get_visible(current_user, activity_id)
    marketing.refresh_figures(current_user, activity, if_match())
    return ok(activity_out(activity), record=activity)


@operation("POST", "/marketing/<int:activity_id>/state", tag=TAG, body=ActivityStateIn,
           response=ActivityOut,
           mirrors=("marketing.move",))
def change_marketing_state(activity_id: int, body: ActivityStateIn) -> Response:
    """Submit, send back, publish or cancel a marketing activity

    As the activity's page allows each side. `If-Match`: 412 on a stale version.
    """
    activity = marketing.get_visible(current_user, activity_id)
    marketing.transition(current_user, activity, body.state, body.note,
                         expected_version=if_match())
    return ok(activity_out(activity), record=activity)
