"""Challenges: the list with the page's filters, read, create, edit and change state. The same
service functions as the challenge pages (services.challenges): visibility, the public summary,
validation and the state machine are theirs."""
from __future__ import annotations

from flask import Response, url_for
from flask_login import current_user

from govtech.api import paging
from govtech.api.declare import check_if_match, if_match, ok, operation
from govtech.api.schemas_challenges import (
    ChallengeIn,
    ChallengeOut,
    ChallengePatch,
    ChallengeQuery,
    ChallengeStateIn,
    MunicipalityRef,
)
from govtech.api.schemas_common import Page
from govtech.models import Challenge, ChallengeState
from govtech.services import challenges

TAG = "challenges"


def challenge_out(challenge: Challenge, *, texts: bool = False) -> ChallengeOut:
    """The challenge as the caller may read it: details only for those the page shows them to;
    the long texts only when reading one challenge (the list does not load them)."""
    full = challenges.can_see_details(current_user, challenge)
    org = challenge.organisation
    return ChallengeOut(
        id=challenge.id, updated_at=challenge.updated_at, version=challenge.version,
        title=challenge.title, summary=challenge.summary or "",
        state=challenge.state.value,  # type: ignore[arg-type]
        categories=list(challenge.categories or []),
        municipality=MunicipalityRef(id=org.id, name=org.name, prefecture=org.prefecture),
        deadline=challenge.deadline, opened_at=challenge.opened_at,
        accepting_proposals=challenges.accepts_proposals(challenge), full=full,
        tags=list(challenge.tags or []) if full else None,
        budget_min=challenge.budget_min if full else None,
        budget_max=challenge.budget_max if full else None,
        pilot_start=challenge.pilot_start if full else None,
        pilot_end=challenge.pilot_end if full else None,
        description=challenge.description if full and texts else None,
        desired_outcome=challenge.desired_outcome if full and texts else None,
        has_commitment=challenge.has_commitment, budget_owner=challenge.budget_owner,
        procurement_route=challenge.procurement_route.value,  # type: ignore[arg-type]
        success_criteria=challenge.success_criteria,
        success_kpis=list(challenge.success_kpis or []),
        adoption_fiscal_year=challenge.adoption_fiscal_year,
        can_edit=challenges.can_edit(current_user, challenge),
        allowed_states=challenges.allowed_targets(current_user, challenge))  # type: ignore[arg-type]


@operation("GET", "/challenges", tag=TAG, public=True, query=ChallengeQuery,
           response=Page[ChallengeOut], mirrors=("challenges.list_challenges",))
def list_challenges(query: ChallengeQuery) -> Response:
    """List challenges

    The challenges page's list: the same filters, search and visibility (anonymous callers and
    pending members see open challenges and their public fields only). Ordered by `updated_at`,
    then `id`, for incremental sync with `updated_since`.
    """
    filters = challenges.Filters(
        q=query.q, category=query.category or "", prefecture=query.prefecture or "",
        budget=query.budget, state=query.state or "", deadline=query.deadline or "",
        mine=query.mine, commitment=query.commitment or "")
    stmt = challenges.list_query(current_user, filters)
    if stmt is None:  # a search of only stop words finds nothing, as on the page
        return paging.respond(paging.PageResult([], None), [])
    page = paging.paginate(stmt, key=(Challenge.updated_at, Challenge.id), query=query)
    return paging.respond(page, [challenge_out(c) for c in page.items])


@operation("GET", "/challenges/<int:challenge_id>", tag=TAG, public=True,
           response=ChallengeOut, mirrors=("challenges.show_challenge",))
def get_challenge(challenge_id: int) -> Response:
    """Read a challenge

    As its page: drafts only for their municipality and managers, archived ones for members;
    the public reads open challenges' public fields.
    """
    challenge = challenges.get_visible(current_user, challenge_id)
    return ok(challenge_out(challenge, texts=True), record=challenge)


@operation("POST", "/challenges", tag=TAG, body=ChallengeIn, response=ChallengeOut,
           status=201, mirrors=("challenges.new_challenge",))
def create_challenge(body: ChallengeIn) -> Response:
    """Post a challenge

    Saved as a draft of the caller's (approved) municipality; open it with
    `POST /challenges/{id}/state`.
    """
    challenge = challenges.create(current_user, **body.model_dump())
    return ok(challenge_out(challenge, texts=True), status=201, record=challenge,
              headers={"Location": url_for("api.get_challenge", challenge_id=challenge.id)})


@operation("PATCH", "/challenges/<int:challenge_id>", tag=TAG, body=ChallengePatch,
           response=ChallengeOut, mirrors=("challenges.edit_challenge",))
def edit_challenge(challenge_id: int, body: ChallengePatch) -> Response:
    """Edit a challenge

    Its municipality's members and managers. Only the fields sent change. `If-Match`: 412 on a
    stale version.
    """
    challenge = challenges.get_editable(current_user, challenge_id)
    challenges.update(current_user, challenge, expected_version=if_match(),
                      **body.model_dump(exclude_unset=True))
    return ok(challenge_out(challenge, texts=True), record=challenge)


@operation("POST", "/challenges/<int:challenge_id>/state", tag=TAG, body=ChallengeStateIn,
           response=ChallengeOut, mirrors=("challenges.change_state",))
def change_challenge_state(challenge_id: int, body: ChallengeStateIn) -> Response:
    """Open, close or archive a challenge

    The page's transitions (draft → open/archived, open → closed, closed → open/archived);
    archiving asks no confirmation here. 409 for a transition the state does not allow.
    `If-Match`: 412 on a stale version.
    """
    challenge = challenges.get_editable(current_user, challenge_id)
    check_if_match(challenge)
    challenges.transition(current_user, challenge, ChallengeState(body.state), body.note)
    return ok(challenge_out(challenge, texts=True), record=challenge)
