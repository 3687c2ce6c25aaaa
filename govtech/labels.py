"""Translated labels for the values of the domain (states, kinds, roles), in one place."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATES = {
    # organisations
    "pending": _l("Awaiting approval"),
    "approved": _l("Approved"),
    "suspended": _l("Suspended"),
    # challenges
    "draft": _l("Draft"),
    "open": _l("Open"),
    "closed": _l("Closed"),
    "archived": _l("Archived"),
    # proposals
    "submitted": _l("Submitted"),
    "shortlisted": _l("Shortlisted"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "withdrawn": _l("Withdrawn"),
    # recommendations
    "suggested": _l("Suggested"),
    "introduced": _l("Introduced"),
    "rejected": _l("Rejected"),
    "dismissed": _l("Dismissed"),
    # background jobs
    "queued": _l("Queued"),
    "running": _l("Running"),
    "finished": _l("Finished"),
    "failed": _l("Failed"),
    # marketing activities ("approved" is shared with organisations)
    "planned": _l("Planned"),
    "drafting": _l("Drafting"),
    "in_review": _l("In review"),
    "published": _l("Published"),
    "cancelled": _l("Cancelled"),
}

# Pilot stages have their own labels: "proposal" and "pilot" are words with other meanings.
STAGES = {
    "introduced": _l("Introduction"),
    "meeting": _l("Meeting"),
    "proposal": _l("Proposal stage"),
    "selected": _l("Selected"),
    "agreement": _l("Agreement"),
    "pilot": _l("Pilot run"),
    "evaluation": _l("Evaluation"),
    "budgeting": _l("Budgeting"),
    "adopted": _l("Adopted"),
    "not_adopted": _l("Not adopted"),
    "withdrawn": _l("Withdrawn"),
}

# Why a pair was not adopted: a fixed list, so the dashboard can count reasons.
NOT_ADOPTED_REASONS = {
    "budget": _l("No budget"),
    "effect": _l("Effect not shown"),
    "fit": _l("Did not fit the work"),
    "timing": _l("Timing"),
    "other": _l("Other reason"),
}

# Kinds of joint marketing a pair can do together.
MARKETING_KINDS = {
    "press_release": _l("Press release"),
    "case_study": _l("Case study"),
    "webinar_event": _l("Webinar / event"),
    "article": _l("Article"),
    "award_entry": _l("Award entry"),
    "joint_sales": _l("Joint sales proposal"),
}

KINDS = {
    "municipality": _l("Municipality"),
    "startup": _l("Startup"),
}

ROLES = {
    "municipality": _l("Municipality staff"),
    "startup": _l("Startup member"),
    "manager": _l("Programme manager"),
}


def state_label(value: str | None) -> str:
    return str(STATES.get(value or "", value or ""))


def stage_label(value: str | None) -> str:
    return str(STAGES.get(value or "", value or ""))


def reason_label(value: str | None) -> str:
    return str(NOT_ADOPTED_REASONS.get(value or "", value or ""))


def kind_label(value: str | None) -> str:
    return str(KINDS.get(value or "", value or ""))


def role_label(value: str | None) -> str:
    return str(ROLES.get(value or "", value or ""))


def marketing_kind_label(value: str | None) -> str:
    return str(MARKETING_KINDS.get(value or "", value or ""))
