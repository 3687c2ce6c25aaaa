"""The pair page's panel: cost, the evidence pack and the 第4号 certification
(issue 17, parts 4 and 5)."""
from __future__ import annotations

from typing import Any


def context(user, pilot) -> dict[str, Any]:
    return {}
