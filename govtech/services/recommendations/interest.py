"""「関心あり」: either party of a recommended pair says it wants to go further.

The town asks the programme office to introduce the startup (関心あり（事務局に紹介を依頼）); the
startup says it would like to meet (関心あり) — or, when the challenge takes proposals, it
simply proposes. The programme office sees both as signals on its review list
(「自治体が関心あり」/「スタートアップが関心あり」) and can put those pairs first. Recording is
idempotent and can be undone (関心を取り消す); each change is a history event of the pair.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, delete, exists, select

from govtech.extensions import db
from govtech.models import Recommendation, RecommendationState, User
from govtech.models.base import utcnow
from govtech.models.recommendation import PairInterest
from govtech.services import access, history, notifications, transaction
from govtech.services.errors import DomainError
from govtech.services.recommendations.review import CONFLICT

SIDES = (access.MUNICIPALITY, access.STARTUP)


def _side(actor: User, rec: Recommendation) -> str:
    """The party the actor speaks for; managers express no interest of their own."""
    side = access.require_party(actor, rec.challenge.organisation_id, rec.startup_id,
                                _("You can only answer your own recommendations."))
    if side not in SIDES:
        raise DomainError(_("Only the town or the startup of a pair can express interest."))
    return side


def _row(rec: Recommendation, side: str) -> PairInterest | None:
    return db.session.scalar(select(PairInterest).where(
        PairInterest.challenge_id == rec.challenge_id,
        PairInterest.startup_id == rec.startup_id, PairInterest.side == side))


@transaction.unit_of_work(CONFLICT)
def express(actor: User, rec: Recommendation) -> bool:
    """Record the actor's side's interest in the pair; False if it was already recorded."""
    side = _side(actor, rec)
    if rec.state != RecommendationState.suggested:
        raise DomainError(_("This pair is no longer a suggestion."))
    if _row(rec, side) is not None:
        return False
    db.session.add(PairInterest(challenge_id=rec.challenge_id, startup_id=rec.startup_id,
                                side=side, user_id=actor.id, created_at=utcnow()))
    history.record("recommendation", rec.id, actor, None, f"interest_{side}")
    who = rec.challenge.organisation.name if side == access.MUNICIPALITY else rec.startup.name
    notifications.notify(notifications.managers(), "pair_interest",
                         url=f"/recommendations/?sort=interest#rec-{rec.id}", who=who,
                         town=rec.challenge.organisation.name, challenge=rec.challenge.title,
                         startup=rec.startup.name)
    return True


@transaction.unit_of_work(CONFLICT)
def withdraw(actor: User, rec: Recommendation) -> bool:
    """Take the actor's side's interest back; False if there was none."""
    side = _side(actor, rec)
    row = _row(rec, side)
    if row is None:
        return False
    db.session.execute(delete(PairInterest).where(PairInterest.id == row.id))
    history.record("recommendation", rec.id, actor, f"interest_{side}", "interest_withdrawn")
    return True


def sides_for(recs: Iterable[Recommendation]) -> dict[tuple[int, int], set[str]]:
    """Which sides said 関心あり, for these pairs (one query)."""
    recs = list(recs)
    if not recs:
        return {}
    out: dict[tuple[int, int], set[str]] = {}
    for cid, sid, side in db.session.execute(
            select(PairInterest.challenge_id, PairInterest.startup_id, PairInterest.side)
            .where(PairInterest.challenge_id.in_({r.challenge_id for r in recs}),
                   PairInterest.startup_id.in_({r.startup_id for r in recs}))):
        out.setdefault((cid, sid), set()).add(side)
    return out


def any_interest() -> ColumnElement[bool]:
    """True where either party said 関心あり about the pair (for "interest first")."""
    return exists(select(PairInterest.id).where(
        PairInterest.challenge_id == Recommendation.challenge_id,
        PairInterest.startup_id == Recommendation.startup_id))
