"""All models, imported in one place so Alembic and the app see the whole schema."""
from govtech.models.api_token import ApiToken  # noqa: F401 - issue 14 (API tokens)
from govtech.models.audit import AuditEvent
from govtech.models.base import Base
from govtech.models.capability import Capability
from govtech.models.challenge import Challenge
from govtech.models.enums import (
    ChallengeState,
    DigestFrequency,
    JobState,
    MarketingKind,
    MarketingState,
    OrgKind,
    OrgState,
    PilotStage,
    ProposalState,
    RecommendationState,
    Role,
)
from govtech.models.history import HistoryEvent
from govtech.models.marketing import MarketingActivity
from govtech.models.notification import Notification, NotificationPreference
from govtech.models.organisation import Organisation
from govtech.models.pilot import Milestone, Pilot, PilotKPI
from govtech.models.procurement import (  # noqa: F401 - issue 17
    BidRegistration,
    BudgetCalendar,
    Certification,
    ChecklistEntry,
    ProcurementProfile,
    Solution,
    SolutionRating,
)
from govtech.models.proposal import Proposal, ProposalVersion
from govtech.models.recommendation import MatchingRun, Recommendation
from govtech.models.search import SearchTerm
from govtech.models.session import SessionEnd, UserSession
from govtech.models.two_step import RecoveryCode, TwoStep
from govtech.models.user import User
from govtech.models.webhook import Webhook, WebhookDelivery  # noqa: F401 - issue 14

__all__ = ["AuditEvent", "Base", "Capability", "Challenge", "ChallengeState", "DigestFrequency",
           "HistoryEvent", "JobState", "MarketingActivity", "MarketingKind", "MarketingState",
           "Notification", "NotificationPreference",
           "MatchingRun", "Milestone", "OrgKind", "OrgState", "Organisation", "Pilot",
           "PilotKPI", "PilotStage", "Proposal", "ProposalState", "ProposalVersion",
           "Recommendation", "RecommendationState", "RecoveryCode", "Role", "SearchTerm",
           "SessionEnd", "TwoStep", "User", "UserSession"]
