"""Reading and reviewing pairs: who sees which, why each was suggested, and closing one.

Introducing a pair starts a pilot, so it lives in `govtech.services.introductions`; this module
knows nothing of pilots.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, exists, func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from govtech import reference
from govtech.extensions import db
from govtech.models import (
    Challenge,
    ChallengeState,
    Organisation,
    OrgState,
    Pilot,
    Recommendation,
    RecommendationState,
    User,
)
from govtech.models.recommendation import PairInterest
from govtech.services import (
    access,
    history,
    listsearch,
    readiness,
    search,
    transaction,
    workflow,
)
from govtech.services.errors import DomainError
from govtech.services.recommendations import levels, pairs
from govtech.services.recommendations.store import TOP_K

#: The conflict message of every review action (the pair's version column detects it).
CONFLICT = _l("Someone else reviewed this pair at the same moment.")


@dataclass
class Filters:
    q: str = ""
    category: str = ""
    prefecture: str = ""
    min_score: float | None = None
    state: str = "suggested"
    proven_only: bool = False
    #: which levels (levels.LEVELS) to show; lists fold the reference ones apart
    levels: tuple[str, ...] = levels.SHOWN
    #: "interest": pairs either party said 関心あり about first (the managers' review list)
    sort: str = ""
    #: only startups at this procurement-readiness level or above today (services.readiness)
    min_readiness: int | None = None


def visible_query(user: User, filters: Filters | None = None) -> Select[tuple[Recommendation]]:
    """Pairs this user may see, best first: own challenges', own startup's, or all (managers)."""
    filters = filters or Filters()
    startup = aliased(Organisation)
    query = (select(Recommendation).join(Recommendation.challenge)
             .join(Organisation, Organisation.id == Challenge.organisation_id)
             .join(startup, startup.id == Recommendation.startup_id)
             .where(Recommendation.live(), Challenge.state == ChallengeState.open,
                    Organisation.state == OrgState.approved,
                    startup.state == OrgState.approved,
                    access.own_side(user, municipality=Challenge.organisation_id,
                                    startup=Recommendation.startup_id),
                    # a pair already introduced, proposing, piloting or adopted is never
                    # recommended again
                    ~pairs.existing(Recommendation.challenge_id, Recommendation.startup_id),
                    levels.clause(filters.levels))
             .options(joinedload(Recommendation.challenge).joinedload(Challenge.organisation),
                      joinedload(Recommendation.startup).selectinload(Organisation.capabilities),
                      selectinload(Recommendation.proven_pilot).joinedload(Pilot.challenge)
                      .joinedload(Challenge.organisation)))
    if filters.state in RecommendationState.__members__:
        query = query.where(Recommendation.state == RecommendationState(filters.state))
    if filters.category in reference.CATEGORIES:
        query = query.where(Challenge.id.in_(search.matching_ids(
            "challenge", [search.facet("category", filters.category)])))
    if filters.prefecture in reference.PREFECTURES:
        query = query.where(Organisation.prefecture == filters.prefecture)
    if filters.min_score is not None:
        query = query.where(Recommendation.score >= filters.min_score)
    if filters.proven_only:
        query = query.where(Recommendation.proven_pilot_id.is_not(None))
    query = readiness.filtered(query, Recommendation.startup_id, filters.min_readiness)
    query = query.where(listsearch.words_match(filters.q, Challenge.title, startup.name))
    if filters.sort == "interest":
        interested = exists(select(PairInterest.id).where(
            PairInterest.challenge_id == Recommendation.challenge_id,
            PairInterest.startup_id == Recommendation.startup_id))
        return query.order_by(case((interested, 0), else_=1), Recommendation.score.desc(),
                              Recommendation.id)
    return query.order_by(Recommendation.score.desc(), Recommendation.id)


def folded(user: User, filters: Filters, limit: int = 20
           ) -> tuple[list[Recommendation], int]:
    """The reference-level pairs the lists fold under 「その他の候補（n件）」: the best `limit`
    of them and how many there are."""
    query = visible_query(user, replace(filters, levels=("reference",)))
    total = db.session.scalar(select(func.count()).select_from(
        query.order_by(None).with_only_columns(Recommendation.id).subquery())) or 0
    return (list(db.session.scalars(query.limit(limit))) if total else []), total


def for_challenge(user: User, challenge: Challenge) -> list[Recommendation]:
    """The best visible pairs of one challenge (its page's panel)."""
    return list(db.session.scalars(visible_query(user).where(
        Recommendation.challenge_id == challenge.id).limit(TOP_K)))


def for_startup(user: User, org: Organisation) -> list[Recommendation]:
    """The best visible pairs of one startup."""
    return list(db.session.scalars(visible_query(user).where(
        Recommendation.startup_id == org.id).limit(TOP_K)))


def get_for(user: User, rec_id: int) -> Recommendation:
    """The pair, for a party to it or a manager; 404 for everyone else."""
    rec = live_by_id(rec_id)
    allowed = rec is not None and access.side(user, rec.challenge.organisation_id,
                                              rec.startup_id) is not None
    return access.visible_or_404(rec, allowed, _("This recommendation does not exist."))


def live_by_id(rec_id: int) -> Recommendation | None:
    """The pair, unless it belongs to a generation pages no longer (or do not yet) show."""
    return db.session.scalar(select(Recommendation).where(Recommendation.id == rec_id,
                                                          Recommendation.live()))


def require_manager(actor: User) -> None:
    """Reviewing pairs (introduce, reject, notes) is the programme office's work."""
    access.require(access.manager(actor), _("Only the programme office reviews recommendations."))


def close(actor: User, rec: Recommendation, target: RecommendationState, note: str) -> None:
    """Move a pair out of `suggested` with its history event, in the caller's unit of work."""
    workflow.check(workflow.RECOMMENDATION, rec.state, target)
    previous = rec.state
    rec.state = target
    if target != RecommendationState.introduced:
        rec.reason = note
    history.record("recommendation", rec.id, actor, previous, target, note)


@transaction.unit_of_work(CONFLICT)
def dismiss(actor: User, rec: Recommendation, reason: str = "") -> None:
    """Either party (or a manager) hides a suggestion; it stays hidden until a text changes."""
    access.require_party(actor, rec.challenge.organisation_id, rec.startup_id,
                         _("You can only dismiss your own recommendations."))
    close(actor, rec, RecommendationState.dismissed, reason)


@transaction.unit_of_work(CONFLICT)
def reject(actor: User, rec: Recommendation, reason: str) -> None:
    """Not a pair the programme office will introduce; the reason is kept and shown to managers."""
    require_manager(actor)
    if not reason.strip():
        raise DomainError(_("Give a reason for rejecting this pair."), field="reason")
    close(actor, rec, RecommendationState.rejected, reason.strip())


@transaction.unit_of_work(CONFLICT)
def set_note(actor: User, rec: Recommendation, note: str) -> None:
    """A private note of the programme office on a pair; parties never see it."""
    require_manager(actor)
    rec.manager_note = note.strip()
