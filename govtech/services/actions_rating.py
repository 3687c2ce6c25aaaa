"""Rating prompts in 対応が必要なこと: rate an adopted solution at adoption and six months later
(issue 17, part 7). Only for members of the adopting municipality; one bounded query.
"""
from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased, joinedload

from govtech.extensions import db
from govtech.models import Challenge, Organisation, OrgState, Pilot, PilotStage, User
from govtech.models.base import utcnow
from govtech.models.enums import RatingOccasion
from govtech.models.procurement import Solution, SolutionRating
from govtech.services import access, challenges, ratings
from govtech.services.actions_items import Action, Actions, pair_name

LIMIT = 40  # as the other sources (services.actions_sources.LIMIT)


def _rated(occasion: RatingOccasion):
    return exists(select(SolutionRating.id).where(SolutionRating.pilot_id == Pilot.id,
                                                  SolutionRating.occasion == occasion))


def add(user: User, side: str, found: Actions) -> None:
    """The town's adopted pairs whose solution it has not rated yet: at adoption at once, and
    again once six months have passed."""
    town_id = access.own_org_id(user)
    if side != access.MUNICIPALITY or town_id is None:
        return
    town, firm = aliased(Organisation), aliased(Organisation)
    first, later = _rated(RatingOccasion.at_adoption), _rated(RatingOccasion.six_months)
    rows = db.session.execute(
        select(Pilot, Solution.name, first, later)
        .join(Challenge, Challenge.id == Pilot.challenge_id)
        .join(town, town.id == Challenge.organisation_id)
        .join(firm, firm.id == Pilot.startup_id)
        .join(Solution, Solution.id == Pilot.solution_id)
        .where(Challenge.organisation_id == town_id, Pilot.stage == PilotStage.adopted,
               town.state == OrgState.approved, firm.state == OrgState.approved,
               # a day's margin for the local date; the exact day is checked below
               or_(~first, and_(~later, Pilot.closed_at <= utcnow() - ratings.SIX_MONTHS
                                + timedelta(days=1))))
        .options(joinedload(Pilot.challenge).joinedload(Challenge.organisation),
                 joinedload(Pilot.startup))
        .order_by(Pilot.closed_at, Pilot.id).limit(LIMIT)).tuples()
    for pilot, name, rated_first, rated_later in rows:
        if not rated_first:
            occasion, since = RatingOccasion.at_adoption, pilot.closed_at
        else:
            opens = ratings.opens_on(pilot, RatingOccasion.six_months)
            if rated_later or opens is None or opens > challenges.today():
                continue
            occasion, since = RatingOccasion.six_months, pilot.closed_at
        found.mine.append(Action(
            "rating_due", _("Rate “%(solution)s” (%(pair)s)", solution=name,
                            pair=pair_name(pilot)),
            _("Rate the solution"),
            url_for("pilots.show_pilot", pilot_id=pilot.id) + "#rating",
            since=since, pair=pilot.id, note=ratings.occasion_label(occasion)))
