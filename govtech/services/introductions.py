"""Introducing recommended pairs: the programme office turns a suggestion into a pilot.

Apart from `recommendations` because it starts a pilot: pilots already depend on
recommendations (an adopted pilot is recommended to similar towns), so recommendations must
not depend on pilots.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _

from govtech.models import Pilot, PilotStage, Recommendation, RecommendationState, User
from govtech.services import notifications, pilots, recommendations, transaction
from govtech.services.errors import DomainError


@transaction.unit_of_work(recommendations.CONFLICT)
def introduce(actor: User, rec: Recommendation, note: str = "") -> Pilot:
    """The programme office introduces the pair: the pair's journey starts at 紹介, and both
    parties hear of it once it is stored."""
    recommendations.require_manager(actor)
    recommendations.close(actor, rec, RecommendationState.introduced, note)
    pilot = pilots.create_pending(actor, rec.challenge, rec.startup, PilotStage.introduced,
                                  note or _("Introduced from the recommendations"))
    parties = (notifications.members(rec.startup_id)
               + notifications.members(rec.challenge.organisation_id))
    notifications.notify(parties, "introduced", url=f"/pilots/{pilot.id}",
                         startup=rec.startup.name, town=rec.challenge.organisation.name,
                         challenge=rec.challenge.title)
    return pilot


def bulk(actor: User, rec_ids: Iterable[int], action: str, reason: str = ""
         ) -> tuple[int, list[str]]:
    """Introduce or reject several pairs; each is a unit of its own, so one refusal (rolled
    back alone) stops no other. Returns how many worked and what went wrong with the rest."""
    recommendations.require_manager(actor)
    if action not in ("introduce", "reject"):
        raise DomainError(_("Choose what to do with the selected pairs."))
    if action == "reject" and not reason.strip():
        raise DomainError(_("Give a reason for rejecting this pair."), field="reason")
    done, problems = 0, []
    for rec_id in rec_ids:
        rec = recommendations.live_by_id(rec_id)
        if rec is None:
            continue
        label = f"{rec.challenge.title} × {rec.startup.name}"
        try:
            if action == "introduce":
                introduce(actor, rec)
            else:
                recommendations.reject(actor, rec, reason)
        except DomainError as error:
            problems.append(f"{label}: {error.message}")
        else:
            done += 1
    return done, problems
