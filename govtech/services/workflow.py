"""Transition tables: which state may follow which. Services check moves against them."""
from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _

from govtech.labels import state_label
from govtech.models.enums import (
    ChallengeState,
    MarketingState,
    OrgState,
    PilotStage,
    ProposalState,
    RecommendationState,
)
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
