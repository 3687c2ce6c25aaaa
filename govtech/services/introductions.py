"""Introducing recommended pairs: the programme office turns a suggestion into a pilot.

Apart from `recommendations` because it starts a pilot: pilots already depend on
recommendations (an adopted pilot is recommended to similar towns), so recommendations must
not depend on pilots.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from govtech.extensions import db
from govtech.models import (
    Challenge,
    Organisation,
    Pilot,
    PilotStage,
    Recommendation,
    RecommendationState,
    User,
)
from govtech.services import notifications, pilots, recommendations, transaction
from govtech.services.errors import DomainError

#: how many pairs one bulk action takes
BULK_LIMIT = 100


@dataclass
class Planned:
    """One selected pair, and who introducing it writes to (the members of both parties,
    as `introduce` notifies them)."""

    rec: Recommendation
    town_people: list[User] = field(default_factory=list)
    startup_people: list[User] = field(default_factory=list)


def plan(actor: User, rec_ids: Iterable[int]) -> list[Planned]:
    """The selected pairs still to review, best first, with the people each introduction
    would write to: what the bulk confirmation page lists before anything is sent."""
    recommendations.require_manager(actor)
    ids = list(dict.fromkeys(rec_ids))[:BULK_LIMIT]
    if not ids:
        return []
    recs = list(db.session.scalars(
        select(Recommendation)
        .where(Recommendation.id.in_(ids), Recommendation.live(),
               Recommendation.state == RecommendationState.suggested)
        .options(joinedload(Recommendation.challenge).joinedload(Challenge.organisation),
                 joinedload(Recommendation.startup))
        .order_by(Recommendation.score.desc(), Recommendation.id)))
    org_ids = {r.startup_id for r in recs} | {r.challenge.organisation_id for r in recs}
    people: dict[int, list[User]] = {}
    for user in db.session.scalars(select(User).where(
            User.organisation_id.in_(org_ids), User.is_invited.is_(False))
            .order_by(User.id)):
        if user.organisation_id is not None:
            people.setdefault(user.organisation_id, []).append(user)
    return [Planned(rec, people.get(rec.challenge.organisation_id, []),
                    people.get(rec.startup_id, [])) for rec in recs]


def organisations(planned: list[Planned]) -> list[Organisation]:
    """Every organisation the plan writes to, once, in order of appearance."""
    seen: dict[int, Organisation] = {}
    for item in planned:
        for org in (item.rec.challenge.organisation, item.rec.startup):
            seen.setdefault(org.id, org)
    return list(seen.values())


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
    for rec_id in list(dict.fromkeys(rec_ids))[:BULK_LIMIT]:
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
