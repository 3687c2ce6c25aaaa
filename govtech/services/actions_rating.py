"""Rating prompts in 対応が必要なこと: rate an adopted solution at adoption and six months later
(issue 17, part 7)."""
from __future__ import annotations

from govtech.models import User
from govtech.services.actions_items import Actions


def add(user: User, side: str, found: Actions) -> None:
    return None
