"""The states and kinds of the domain; their translated labels live in govtech.labels."""
import enum


class OrgKind(enum.StrEnum):
    municipality = "municipality"
    startup = "startup"


class OrgState(enum.StrEnum):
    pending = "pending"
    approved = "approved"
    suspended = "suspended"


class Role(enum.StrEnum):
    municipality = "municipality"
    startup = "startup"
    manager = "manager"


class ChallengeState(enum.StrEnum):
    draft = "draft"
    open = "open"
    closed = "closed"
    archived = "archived"


class RecommendationState(enum.StrEnum):
    suggested = "suggested"
    introduced = "introduced"
    rejected = "rejected"
    dismissed = "dismissed"


class JobState(enum.StrEnum):
    queued = "queued"
    running = "running"
    finished = "finished"
    failed = "failed"


class ProposalState(enum.StrEnum):
    submitted = "submitted"
    shortlisted = "shortlisted"
    accepted = "accepted"
    declined = "declined"
    withdrawn = "withdrawn"


class PilotStage(enum.StrEnum):
    """The pair's journey, in order; the last three are final."""

    introduced = "introduced"
    meeting = "meeting"
    proposal = "proposal"
    selected = "selected"
    agreement = "agreement"
    pilot = "pilot"
    evaluation = "evaluation"
    budgeting = "budgeting"
    adopted = "adopted"
    not_adopted = "not_adopted"
    withdrawn = "withdrawn"


class DigestFrequency(enum.StrEnum):
    immediate = "immediate"
    daily = "daily"
    weekly = "weekly"


class MarketingKind(enum.StrEnum):
    press_release = "press_release"
    case_study = "case_study"
    webinar_event = "webinar_event"
    article = "article"
    award_entry = "award_entry"
    joint_sales = "joint_sales"


class MarketingState(enum.StrEnum):
    """Joint marketing: written, reviewed by both parties and a manager, then published."""

    planned = "planned"
    drafting = "drafting"
    in_review = "in_review"
    approved = "approved"
    published = "published"
    cancelled = "cancelled"


class ProcurementRoute(enum.StrEnum):
    """How a town intends to buy what a successful pilot proves (issue 17)."""

    undecided = "undecided"
    small_amount = "small_amount"  # 少額随意契約 (地方自治法施行令 第167条の2第1項第1号)
    certified = "certified"  # 第167条の2第1項第4号 認定 and 随意契約
    proposal = "proposal"  # 公募型プロポーザル
    marketplace = "marketplace"  # a marketplace listing (e.g. the Digital Agency's)


class ChecklistMark(enum.StrEnum):
    """A stored checklist item: recorded, or waived with a reason."""

    done = "done"
    waived = "waived"


class CertificationState(enum.StrEnum):
    """A 第4号 認定 (新事業分野開拓者) application: drafted, then granted or refused."""

    draft = "draft"
    granted = "granted"
    refused = "refused"


class RatingOccasion(enum.StrEnum):
    at_adoption = "at_adoption"
    six_months = "six_months"
