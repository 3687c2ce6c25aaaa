"""Transition tables: which state may follow which, and which side of a pilot may make each
move. Services check moves against them."""
from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _

from govtech.labels import state_label
from govtech.models import Pilot
from govtech.models.enums import (
    ChallengeState,
    MarketingState,
    OrgState,
    PilotStage,
    ProposalState,
    RecommendationState,
)
from govtech.services.access import MANAGER, MUNICIPALITY, STARTUP
from govtech.services.errors import DomainError, InvalidTransition

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


# Recommendations: reviewed once; a closed pair is suggested again only when a text changes.
RECOMMENDATION: Mapping[str, frozenset[str]] = {
    RecommendationState.suggested: frozenset({RecommendationState.introduced,
                                              RecommendationState.rejected,
                                              RecommendationState.dismissed}),
    RecommendationState.rejected: frozenset({RecommendationState.suggested}),
    RecommendationState.dismissed: frozenset({RecommendationState.suggested}),
    RecommendationState.introduced: frozenset(),
}


# Proposals: declined straight away, or shortlisted first; accepted only from the shortlist.
PROPOSAL: Mapping[str, frozenset[str]] = {
    ProposalState.submitted: frozenset({ProposalState.shortlisted, ProposalState.declined,
                                        ProposalState.withdrawn}),
    ProposalState.shortlisted: frozenset({ProposalState.accepted, ProposalState.declined,
                                          ProposalState.withdrawn}),
    ProposalState.accepted: frozenset(),
    ProposalState.declined: frozenset(),
    ProposalState.withdrawn: frozenset(),
}

# Pilots: strictly one step forward, or out (not adopted / withdrawn) from any open stage.
PILOT_PIPELINE = (PilotStage.introduced, PilotStage.meeting, PilotStage.proposal,
                  PilotStage.selected, PilotStage.agreement, PilotStage.pilot,
                  PilotStage.evaluation, PilotStage.budgeting, PilotStage.adopted)
PILOT: Mapping[str, frozenset[str]] = {
    **{stage: frozenset({following, PilotStage.not_adopted, PilotStage.withdrawn})
       for stage, following in zip(PILOT_PIPELINE, PILOT_PIPELINE[1:], strict=False)},
    PilotStage.adopted: frozenset(),
    PilotStage.not_adopted: frozenset(),
    PilotStage.withdrawn: frozenset(),
}

# Who may make each pilot move (the sides of services.access.side): the municipality decides,
# with the programme office, whatever commits it (selection, agreement, budget, adoption); the
# working steps either side records; either party may withdraw from the pair, and the office.
# Nobody moves a pair back to `introduced`: pilots start there.
_DECIDERS = frozenset({MUNICIPALITY, MANAGER})
_EITHER_SIDE = frozenset({MUNICIPALITY, STARTUP, MANAGER})
PILOT_MOVERS: Mapping[str, frozenset[str]] = {
    PilotStage.introduced: frozenset(),
    PilotStage.meeting: _EITHER_SIDE,
    PilotStage.proposal: _EITHER_SIDE,
    PilotStage.selected: _DECIDERS,
    PilotStage.agreement: _DECIDERS,
    PilotStage.pilot: _EITHER_SIDE,
    PilotStage.evaluation: _EITHER_SIDE,
    PilotStage.budgeting: _DECIDERS,
    PilotStage.adopted: _DECIDERS,
    PilotStage.not_adopted: _DECIDERS,
    PilotStage.withdrawn: _EITHER_SIDE,
}
# The results report: both sides write what was verified, learned and changed; the adoption
# decision is the municipality's (or the office's).
PILOT_REPORT_WRITERS: Mapping[str, frozenset[str]] = {
    "verified": _EITHER_SIDE, "learned": _EITHER_SIDE, "changed": _EITHER_SIDE,
    "adoption_decision": _DECIDERS,
}


def frozen(pilot: Pilot) -> bool:
    """A pilot whose municipality or startup is suspended changes no more (it can be read)."""
    return OrgState.suspended in (pilot.challenge.organisation.state, pilot.startup.state)


def require_not_frozen(pilot: Pilot) -> None:
    """Refuse any change to a frozen pilot: its stage, KPIs, milestones, report, marketing."""
    if frozen(pilot):
        raise DomainError(_("This pilot is frozen while the municipality or the startup is "
                            "suspended: it can be read, not changed."))

# Marketing: written, reviewed, approved by all three sides (the service moves it to approved by
# itself), published; an edit after approval sends it back to review; cancelled from any open state.
MARKETING: Mapping[str, frozenset[str]] = {
    MarketingState.planned: frozenset({MarketingState.drafting, MarketingState.cancelled}),
    MarketingState.drafting: frozenset({MarketingState.in_review, MarketingState.cancelled}),
    MarketingState.in_review: frozenset({MarketingState.drafting, MarketingState.approved,
                                         MarketingState.cancelled}),
    MarketingState.approved: frozenset({MarketingState.published, MarketingState.in_review,
                                        MarketingState.cancelled}),
    MarketingState.published: frozenset(),
    MarketingState.cancelled: frozenset(),
}


def check(table: Mapping[str, frozenset[str]], current: str, target: str,
          label=state_label) -> None:
    """Raise InvalidTransition unless `target` may follow `current`."""
    if target not in table.get(current, frozenset()):
        raise InvalidTransition(
            _("This change is not allowed: %(current)s → %(target)s.", current=label(current),
              target=label(target))
        )
