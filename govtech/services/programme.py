"""Programme-wide figures shown on public pages."""
from __future__ import annotations

from sqlalchemy import func, select

from govtech.extensions import db
from govtech.models import Organisation, OrgKind, OrgState
from govtech.services import challenges


def public_counts() -> dict[str, int]:
    """How many approved municipalities and startups take part (later: challenges, pilots)."""
    rows = db.session.execute(
        select(Organisation.kind, func.count())
        .where(Organisation.state == OrgState.approved)
        .group_by(Organisation.kind)
    ).all()
    by_kind = {kind: count for kind, count in rows}
    return {
        "municipalities": by_kind.get(OrgKind.municipality, 0),
        "startups": by_kind.get(OrgKind.startup, 0),
        "open_challenges": challenges.count_open(),
    }
