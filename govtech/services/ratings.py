"""Ratings of adopted solutions (issue 17, part 7): the town that adopted a solution rates it on
four aspects (fit, support, price, results, 1 to 5 each) with an optional comment, once at
adoption and once six months later. The catalogue shows only averages with their count.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from govtech import formatting
from govtech.extensions import db
from govtech.models import Organisation, Pilot, PilotStage, User
from govtech.models.enums import RatingOccasion
from govtech.models.procurement import SolutionRating
from govtech.services import access, challenges, history, transaction
from govtech.services.errors import DomainError, PermissionDenied

ASPECTS = ("fit", "support", "price", "results")
ASPECT_LABELS = {"fit": _l("Fit to the work"), "support": _l("Support"),
                 "price": _l("Price"), "results": _l("Results")}
OCCASION_LABELS = {RatingOccasion.at_adoption: _l("At adoption"),
                   RatingOccasion.six_months: _l("Six months after adoption")}
LOWEST, HIGHEST = 1, 5
SIX_MONTHS = timedelta(days=182)
COMMENT_MAX = 2000
ENTITY = "solution_rating"


def occasion_label(value: str | None) -> str:
    if value is not None and value in RatingOccasion.__members__:
        return str(OCCASION_LABELS[RatingOccasion(value)])
    return str(value or "")


def adopted_on(pilot: Pilot) -> date | None:
    """The day the pair was adopted (the programme's calendar day)."""
    return formatting.local(pilot.closed_at).date() if pilot.closed_at else None


def opens_on(pilot: Pilot, occasion: RatingOccasion) -> date | None:
    """From which day the town may give this rating: at adoption at once, the other after six
    months (the pilot's closed_at + 182 days)."""
    day = adopted_on(pilot)
    if day is None or occasion == RatingOccasion.at_adoption:
        return day
    return day + SIX_MONTHS


def may_rate(user: User | None, pilot: Pilot) -> bool:
    """A member of the municipality that adopted the pilot's solution."""
    return (pilot.stage == PilotStage.adopted and pilot.solution_id is not None
            and access.acts_for(user, pilot.challenge.organisation_id))


def given(pilot_id: int) -> dict[RatingOccasion, SolutionRating]:
    """The pilot's ratings by occasion."""
    rows = db.session.scalars(select(SolutionRating).where(SolutionRating.pilot_id == pilot_id))
    return {row.occasion: row for row in rows}


def next_occasion(pilot: Pilot, done: Iterable[RatingOccasion]) -> RatingOccasion | None:
    """The first occasion not rated yet (whether or not it is open already)."""
    done = set(done)
    return next((o for o in RatingOccasion if o not in done), None)


def _score(aspect: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not LOWEST <= value <= HIGHEST:
        raise DomainError(_("Give %(aspect)s a score from 1 to 5.",
                            aspect=str(ASPECT_LABELS[aspect])), field=aspect)
    return value


@transaction.unit_of_work()
def rate(actor: User, pilot: Pilot, occasion: str, *, fit: object, support: object,
         price: object, results: object, comment: str = "") -> SolutionRating:
    """The town's rating of the solution its pair adopted, for one occasion; refused for a
    town that has not adopted it, a score outside 1-5, the six-month rating before six months
    and a second rating of the same occasion."""
    if not access.acts_for(actor, pilot.challenge.organisation_id):
        raise PermissionDenied(_("Only the municipality that adopted this solution can rate "
                                 "it."))
    if pilot.stage != PilotStage.adopted or pilot.solution_id is None:
        raise DomainError(_("This pair has not adopted the solution: only an adopted solution "
                            "can be rated."))
    if occasion not in RatingOccasion.__members__:
        raise DomainError(_("Choose when this rating is given."), field="occasion")
    when = RatingOccasion(occasion)
    scores = {aspect: _score(aspect, value) for aspect, value in
              zip(ASPECTS, (fit, support, price, results), strict=True)}
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise DomainError(_("The comment can be at most %(n)d characters.", n=COMMENT_MAX),
                          field="comment")
    start = opens_on(pilot, when)
    if start is not None and challenges.today() < start:
        raise DomainError(_("The six-month rating opens on %(date)s.",
                            date=formatting.date(start)), field="occasion")
    if when in given(pilot.id):
        raise DomainError(_("Your town has already rated this solution for this occasion "
                            "(%(occasion)s).", occasion=occasion_label(when)), field="occasion")
    rating = SolutionRating(solution_id=pilot.solution_id, pilot_id=pilot.id,
                            municipality_id=pilot.challenge.organisation_id, occasion=when,
                            comment=comment, created_by_id=actor.id, **scores)
    db.session.add(rating)
    try:
        db.session.flush()
    except IntegrityError as exc:  # the same occasion rated at the same moment by a colleague
        raise DomainError(_("Your town has already rated this solution for this occasion "
                            "(%(occasion)s).", occasion=occasion_label(when)),
                          field="occasion") from exc
    history.record(ENTITY, rating.id, actor, None, when.value,
                   " ".join(f"{aspect}={value}" for aspect, value in scores.items()))
    return rating


# --- what the catalogue shows -----------------------------------------------------------------

@dataclass
class Averages:
    """The averages of a solution's ratings per aspect, always with how many ratings."""

    count: int = 0
    scores: dict[str, float] = field(default_factory=dict)

    def rows(self) -> list[tuple[str, float]]:
        return [(str(ASPECT_LABELS[a]), self.scores[a]) for a in ASPECTS if a in self.scores]


def averages(solution_ids: Iterable[int]) -> dict[int, Averages]:
    """Each solution's averages, in one query (solutions without a rating get count 0)."""
    wanted = list(set(solution_ids))
    found = {sid: Averages() for sid in wanted}
    if not wanted:
        return found
    columns = [func.avg(getattr(SolutionRating, a)) for a in ASPECTS]
    rows = db.session.execute(
        select(SolutionRating.solution_id, func.count(), *columns)
        .where(SolutionRating.solution_id.in_(wanted))
        .group_by(SolutionRating.solution_id)).tuples()
    for sid, count, *means in rows:
        found[sid] = Averages(int(count), {a: float(m) for a, m in zip(ASPECTS, means,
                                                                        strict=True)
                                           if m is not None})
    return found


def comments(solution_id: int, limit: int = 10) -> list[tuple[SolutionRating, str]]:
    """The latest ratings with a comment and their town's name, for the solution's page."""
    return list(db.session.execute(
        select(SolutionRating, Organisation.name)
        .join(Organisation, Organisation.id == SolutionRating.municipality_id)
        .where(SolutionRating.solution_id == solution_id, SolutionRating.comment != "")
        .order_by(SolutionRating.created_at.desc(), SolutionRating.id.desc())
        .limit(limit)).tuples())
