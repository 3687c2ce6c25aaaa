"""What the pair's page shows on the road to purchase (issue 17): each panel's module gives the
template its data and blank forms; a form sent back with errors replaces its blank one."""
from __future__ import annotations

from typing import Any

from govtech.blueprints.pilots import panel_budget, panel_purchase, panel_rating


def for_pilot(user, pilot) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for panel in (panel_budget, panel_purchase, panel_rating):
        context.update(panel.context(user, pilot))
    return context
