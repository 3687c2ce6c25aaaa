"""Transition tables: which state may follow which. Services check moves against them."""
from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _

from govtech.labels import state_label
from govtech.models.enums import ChallengeState, OrgState
from govtech.services.errors import InvalidTransition

ORGANISATION: Mapping[str, frozenset[str]] = {
    OrgState.pending: frozenset({OrgState.approved, OrgState.suspended}),
    OrgState.approved: frozenset({OrgState.suspended}),
    OrgState.suspended: frozenset({OrgState.approved}),
}


CHALLENGE: Mapping[str, frozenset[str]] = {
    ChallengeState.draft: frozenset({ChallengeState.open, ChallengeState.archived}),
    ChallengeState.open: frozenset({ChallengeState.closed}),
    ChallengeState.closed: frozenset({ChallengeState.open, ChallengeState.archived}),
    ChallengeState.archived: frozenset(),
}


def check(table: Mapping[str, frozenset[str]], current: str, target: str) -> None:
    """Raise InvalidTransition unless `target` may follow `current`."""
    if target not in table.get(current, frozenset()):
        raise InvalidTransition(
            _("This change is not allowed: %(current)s → %(target)s.", current=state_label(current),
              target=state_label(target))
        )
