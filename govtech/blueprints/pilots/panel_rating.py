"""The pair page's panel: the town's rating of the adopted solution (issue 17, part 7)."""
from __future__ import annotations

from typing import Any


def context(user, pilot) -> dict[str, Any]:
    return {}
