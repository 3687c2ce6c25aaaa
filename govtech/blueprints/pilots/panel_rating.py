"""The pair page's panel: the town's rating of the adopted solution (issue 17, part 7). The
form posts to the catalogue blueprint (govtech/blueprints/catalogue/rating_pages.py)."""
from __future__ import annotations

from typing import Any

from govtech.models import PilotStage
from govtech.services import access, challenges, ratings


def context(user, pilot) -> dict[str, Any]:
    if pilot.stage != PilotStage.adopted or pilot.solution_id is None:
        return {"rating_panel": None}
    from govtech.blueprints.catalogue.forms import RatingForm

    done = ratings.given(pilot.id)
    may_rate = ratings.may_rate(user, pilot)
    upcoming = ratings.next_occasion(pilot, done)
    opens = ratings.opens_on(pilot, upcoming) if upcoming is not None else None
    form = RatingForm(formdata=None, prefix="rating", occasion=upcoming.value if upcoming else "")
    return {"rating_panel": {
        "solution_id": pilot.solution_id,
        "may_rate": may_rate,
        # the scores themselves to the town that gave them and the programme office; the
        # startup sees that the town rated, the catalogue only averages
        "show_scores": may_rate or access.manager(user),
        "done": [(ratings.occasion_label(o), done[o]) for o in ratings.RatingOccasion
                 if o in done],
        "occasion_label": ratings.occasion_label,
        "upcoming": upcoming.value if upcoming else None,
        "upcoming_label": ratings.occasion_label(upcoming) if upcoming else "",
        "opens_on": opens,
        "open_now": opens is not None and opens <= challenges.today(),
        "aspects": [(a, str(ratings.ASPECT_LABELS[a])) for a in ratings.ASPECTS],
    }, "rating_form": form}
