"""What each role's home page shows: a prepared summary, so templates hold no queries."""
from __future__ import annotations

from sqlalchemy import func, select

from govtech.extensions import db
from govtech.models import Organisation, OrgState, User
from govtech.services import recommendations


def summary_for(user: User) -> dict:
    """Figures and to-dos for the user's home page."""
    summary: dict = {"role": user.role, "organisation": user.organisation,
                     "approved": user.is_approved}
    if user.is_manager:
        summary["pending_organisations"] = db.session.scalar(
            select(func.count()).select_from(Organisation)
            .where(Organisation.state == OrgState.pending)
        )
    elif user.organisation is not None:
        if user.is_approved:
            recs = recommendations.visible_query(user).limit(5)
            summary["recommended"] = recommendations.with_explanations(db.session.scalars(recs))
        summary["colleagues"] = db.session.scalars(
            select(User).where(User.organisation_id == user.organisation_id).order_by(User.name)
        ).all()
    return summary
