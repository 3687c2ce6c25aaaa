"""The pair page's panel: the dates that matter to the pair (budget request, council)
from the town's calendar
(issue 17, part 2)."""
from __future__ import annotations

from typing import Any


def context(user, pilot) -> dict[str, Any]:
    return {}
