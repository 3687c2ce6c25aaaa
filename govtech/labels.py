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


def kind_label(value: str | None) -> str:
    return str(KINDS.get(value or "", value or ""))


def role_label(value: str | None) -> str:
    return str(ROLES.get(value or "", value or ""))
