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
