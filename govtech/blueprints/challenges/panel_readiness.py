"""The challenge page's procurement-readiness panel for a startup: what it lacks for the
challenge's intended route (issue 17, part 6)."""
from __future__ import annotations

from typing import Any

from govtech.services import readiness


def context(user, challenge) -> dict[str, Any]:
    return {"readiness_panel": readiness.route_panel(user, challenge)}
