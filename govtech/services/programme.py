"""Programme-wide figures shown on public pages."""
from __future__ import annotations

from sqlalchemy import func, select

from govtech.extensions import db
from govtech.models import Organisation, OrgKind, OrgState, Pilot, PilotStage
from govtech.services import cases, challenges

# Stages of a pair that has run (or is running) its pilot: what the front page calls a pilot.
PILOT_OR_LATER = (PilotStage.pilot, PilotStage.evaluation, PilotStage.budgeting,
                  PilotStage.adopted)


def public_counts() -> dict[str, int]:
    """The programme in numbers for the public: who takes part, what is open, what runs.

    Pilots are counted by stage: every stored stage came through `pilots.move`, which lets only
    the sides in workflow.PILOT_MOVERS make a move (a startup cannot select itself or budget)."""
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
        "pilots": db.session.scalar(select(func.count()).select_from(Pilot)
                                    .where(Pilot.stage.in_(PILOT_OR_LATER))),
        "cases": cases.count(),
    }
