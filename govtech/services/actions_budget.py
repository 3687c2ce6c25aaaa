"""Budget warnings in 対応が必要なこと: a pilot whose evaluation will miss the town's
next budget request
(issue 17, part 2)."""
from __future__ import annotations

from govtech.models import User
from govtech.services.actions_items import Actions


def add(user: User, side: str, found: Actions) -> None:
    return None
