"""Recommendations: the pairs a party or the programme office may see (the recommendations page's
filters and levels), dismissing, 関心あり, and the office's introduce / reject, one or in bulk.
The same service functions as the pages (services.recommendations, services.introductions)."""
from __future__ import annotations

from collections.abc import Sequence

from flask import Response
from flask_login import current_user

from govtech.api import paging
from govtech.api.declare import check_if_match, ok, operation
from govtech.api.schemas_common import Page
from govtech.api.schemas_pilots import ChallengeRef, OrganisationRef
from govtech.api.schemas_recommendations import (
    BulkIn,
    BulkOut,
    DismissIn,
    IntroducedOut,
    IntroduceIn,
    NoteIn,
    RecommendationOut,
    RecommendationQuery,
    RejectIn,
)
from govtech.models import Recommendation
from govtech.services import access, introductions, recommendations

TAG = "recommendations"
LEVELS = {"": ("high", "medium"), "high": ("high",), "reference": ("reference",)}


def outs(recs: Sequence[Recommendation]) -> list[RecommendationOut]:
    manager = access.manager(current_user)
    result = []
    for row in recommendations.with_explanations(recs, current_user):
        rec, why = row["rec"], row["why"]
        result.append(RecommendationOut(
            id=rec.id, updated_at=rec.updated_at, version=rec.version,
            challenge=ChallengeRef(id=rec.challenge.id, title=rec.challenge.title,
                                   municipality=OrganisationRef.model_validate(
                                       rec.challenge.organisation)),
            startup=OrganisationRef.model_validate(rec.startup), state=rec.state.value,
            score=rec.score, level=why["level"], reason=why["reason"],
            terms=list(why["terms"]), categories=[str(c) for c in why["categories"]],
            region=why["region"] or "", proven=why["proven"] is not None,
            interest=row["interest"], manager_note=rec.manager_note if manager else None))
    return result


def _one(rec: Recommendation, status: int = 200) -> Response:
    return ok(outs([rec])[0], status=status, record=rec)


@operation("GET", "/recommendations", tag=TAG, query=RecommendationQuery,
           response=Page[RecommendationOut],
           mirrors=("recommendations.list_recommendations",))
def list_recommendations(query: RecommendationQuery) -> Response:
    """List recommended pairs

    The pairs the recommendations page shows the caller: a municipality its challenges',
    a startup its own, the programme office all of them; with the page's filters. Ordered by
    `updated_at`, then `id` (the page orders by score: sort `items` by `score` for that).
    """
    filters = recommendations.Filters(
        q=query.q, category=query.category, prefecture=query.prefecture,
        min_score=query.min_score if access.manager(current_user) else None,
        proven_only=query.proven, levels=LEVELS[query.level])
    stmt = recommendations.visible_query(current_user, filters)
    page = paging.paginate(stmt, key=(Recommendation.updated_at, Recommendation.id),
                           query=query)
    return paging.respond(page, outs(page.items))


@operation("GET", "/recommendations/<int:rec_id>", tag=TAG, response=RecommendationOut,
           mirrors=("recommendations.dismiss",))
def get_recommendation(rec_id: int) -> Response:
    """Read a recommended pair

    For its two parties and the programme office; 404 for everyone else.
    """
    return _one(recommendations.get_for(current_user, rec_id))


@operation("POST", "/recommendations/<int:rec_id>/dismiss", tag=TAG, body=DismissIn,
           response=RecommendationOut,
           mirrors=("recommendations.dismiss",))
def dismiss_recommendation(rec_id: int, body: DismissIn) -> Response:
    """Dismiss a pair

    Either party (or a manager) hides a suggestion; it stays hidden until one of the two texts
    changes.
    """
    rec = recommendations.get_for(current_user, rec_id)
    check_if_match(rec)
    recommendations.dismiss(current_user, rec, body.reason)
    return _one(rec)


@operation("POST", "/recommendations/<int:rec_id>/interest", tag=TAG,
           response=RecommendationOut,
           mirrors=("recommendations.interest",))
def express_interest(rec_id: int) -> Response:
    """Say 関心あり

    The caller's side (the municipality or the startup of the pair) wants to go further; the
    programme office sees it. Idempotent.
    """
    rec = recommendations.get_for(current_user, rec_id)
    recommendations.express_interest(current_user, rec)
    return _one(rec)


@operation("DELETE", "/recommendations/<int:rec_id>/interest", tag=TAG,
           response=RecommendationOut,
           mirrors=("recommendations.withdraw_interest",))
def withdraw_interest(rec_id: int) -> Response:
    """Withdraw 関心あり

    Idempotent: withdrawing an interest never expressed changes nothing.
    """
    rec = recommendations.get_for(current_user, rec_id)
    recommendations.withdraw_interest(current_user, rec)
    return _one(rec)


@operation("POST", "/recommendations/<int:rec_id>/introduce", tag=TAG, body=IntroduceIn,
           response=IntroducedOut, status=201,
           mirrors=("recommendations.introduce",))
def introduce_recommendation(rec_id: int, body: IntroduceIn) -> Response:
    """Introduce a pair (programme office)

    Starts the pair's pilot at 紹介 and tells both parties.
    """
    rec = recommendations.get_for(current_user, rec_id)
    check_if_match(rec)
    pilot = introductions.introduce(current_user, rec, body.note)
    return ok(IntroducedOut(recommendation=outs([rec])[0], pilot_id=pilot.id), status=201,
              headers={"Location": f"/api/v1/pilots/{pilot.id}"})


@operation("POST", "/recommendations/<int:rec_id>/reject", tag=TAG, body=RejectIn,
           response=RecommendationOut,
           mirrors=("recommendations.reject",))
def reject_recommendation(rec_id: int, body: RejectIn) -> Response:
    """Reject a pair (programme office)

    The reason is kept for managers; the pair is not suggested again unless a text changes.
    """
    rec = recommendations.get_for(current_user, rec_id)
    check_if_match(rec)
    recommendations.reject(current_user, rec, body.reason)
    return _one(rec)


@operation("PUT", "/recommendations/<int:rec_id>/note", tag=TAG, body=NoteIn,
           response=RecommendationOut, mirrors=("recommendations.save_note",))
def save_recommendation_note(rec_id: int, body: NoteIn) -> Response:
    """Save the programme office's note on a pair (programme office)

    Private to managers: parties read `manager_note` as null.
    """
    rec = recommendations.get_for(current_user, rec_id)
    check_if_match(rec)
    recommendations.set_note(current_user, rec, body.note)
    return _one(rec)


@operation("POST", "/recommendations/bulk", tag=TAG, body=BulkIn, response=BulkOut,
           mirrors=("recommendations.bulk",))
def bulk_recommendations(body: BulkIn) -> Response:
    """Introduce or reject several pairs (programme office)

    As the review page's bulk bar: each pair on its own, so one refusal stops no other.
    """
    done, problems = introductions.bulk(current_user, body.ids, body.action, body.reason)
    return ok(BulkOut(done=done, problems=problems))
