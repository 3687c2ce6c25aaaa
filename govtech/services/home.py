"""What each role's home page shows: a prepared summary, so templates hold no queries."""
from __future__ import annotations

from sqlalchemy import select

from govtech.extensions import db
from govtech.models import User
from govtech.services import access, actions, recommendations


def summary_for(user: User) -> dict:
    """Figures and to-dos for the user's home page, with flags for what the user is (the
    template tests them, never a role)."""
    flags = access.flags(user)
    summary: dict = {"organisation": user.organisation, "approved": user.is_approved,
                     "is_manager": flags["is_manager"],
                     "is_municipality": flags["is_municipality"],
                     # a town sees both sides of its pairs, a startup the challenges
                     "card_mode": "pair" if flags["is_municipality"] else "challenge",
                     # 対応が必要なこと: what waits for this user, and for the other side
                     "actions": actions.shown(actions.for_user(user))}
    if user.organisation is not None and not flags["is_manager"]:
        if user.is_approved:
            recs = recommendations.visible_query(user).limit(5)
            summary["recommended"] = recommendations.with_explanations(
                db.session.scalars(recs), user)
        summary["colleagues"] = db.session.scalars(
            select(User).where(User.organisation_id == user.organisation_id).order_by(User.name)
        ).all()
    return summary
