"""The pair page's panel: the dates that matter to the pair (budget request, council) from the
town's calendar, and whether the pilot's evaluation ends in time for the request that funds
the planned adoption (issue 17, part 3)."""
from __future__ import annotations

from typing import Any

from govtech.models.pilot import FINAL_STAGES
from govtech.services import budget_calendar, commitment


def context(user, pilot) -> dict[str, Any]:
    if pilot.stage in FINAL_STAGES:
        return {"budget_timing": None}
    town = pilot.challenge.organisation
    calendar = budget_calendar.for_town(town)
    timing = commitment.timing(pilot, calendar)
    return {"budget_timing": timing,
            "budget_year": commitment.fiscal_year_label(timing.fiscal_year),
            "budget_warns": timing.misses and pilot.stage in commitment.BEFORE_BUDGETING,
            "budget_calendar_url": budget_calendar.can_edit(user, town)}
