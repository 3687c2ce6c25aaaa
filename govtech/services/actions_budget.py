"""Budget warnings in 対応が必要なこと (issue 17, part 4): the municipality's open pairs in
agreement, pilot or evaluation whose evaluation will miss the budget request that funds the
planned adoption, or whose next request deadline is within 30 days while the pair is still
before budgeting.

Two statements whatever the number of pairs: the town's calendar, and its pairs (LIMITed, names
eager-loaded, each with its latest open milestone's due date).
"""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased, joinedload, lazyload

from govtech.extensions import db
from govtech.models import Challenge, Milestone, Organisation, OrgState, Pilot, User
from govtech.services import access, budget_calendar, commitment
from govtech.services.actions_items import Action, Actions, pair_name

#: Pairs read: enough for the page and its "N more", never the whole table.
LIMIT = 40


def add(user: User, side: str, found: Actions) -> None:
    """The town's own pairs only: the budget request is the municipality's move."""
    town = user.organisation
    if side != access.MUNICIPALITY or town is None:
        return
    calendar = budget_calendar.for_town(town)
    firm = aliased(Organisation)
    latest = (select(func.max(Milestone.due_date))
              .where(Milestone.pilot_id == Pilot.id, Milestone.is_done.is_(False))
              .correlate(Pilot).scalar_subquery())
    rows = db.session.execute(
        select(Pilot, latest).join(Pilot.challenge).join(firm, firm.id == Pilot.startup_id)
        .where(Challenge.organisation_id == town.id, firm.state == OrgState.approved,
               Pilot.stage.in_(commitment.BEFORE_BUDGETING))
        # only what the items name: no collection of the pilot is loaded for them
        .options(lazyload("*"), joinedload(Pilot.challenge).joinedload(Challenge.organisation),
                 joinedload(Pilot.startup))
        .order_by(Pilot.stage_entered_at, Pilot.id).limit(LIMIT))
    for pilot, milestone_due in rows:
        timing = commitment.timing(pilot, calendar, latest_milestone=milestone_due)
        url = url_for("pilots.show_pilot", pilot_id=pilot.id) + "#budget-dates"
        year = commitment.fiscal_year_label(timing.fiscal_year)
        if timing.misses:
            found.mine.append(Action(
                "budget_missed", _("Budget timing of %(pair)s", pair=pair_name(pilot)),
                _("Check the dates"), url, deadline=timing.funding_deadline, pair=pilot.id,
                deadline_label=_("Budget request deadline"),
                note=_("The evaluation will miss the budget request for %(year)s", year=year),
                urgency="late"))
        elif timing.soon:
            found.mine.append(Action(
                "budget_request_soon", _("Budget request for %(pair)s", pair=pair_name(pilot)),
                _("Prepare the request"), url, deadline=timing.next_deadline, pair=pilot.id,
                deadline_label=_("Budget request deadline"),
                note=_("The pair is not yet at budgeting")))
