"""Who is acting, and what they may see or change: every record-level rule starts here.

`govtech.permissions` decides who may reach a page at all (by role). This module answers the
questions about one record — is this user a manager, a member of that organisation, which side
of a pair they speak for — and turns a "no" into the right error: NotFound where existence
itself is private, PermissionDenied where it is not. Services build their entity rules from
these pieces; templates receive the answers as flags and never compare role strings.
"""
from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, false, true

from govtech.models import OrgKind, User
from govtech.services.errors import NotFound, PermissionDenied

T = TypeVar("T")

MANAGER, MUNICIPALITY, STARTUP = "manager", "municipality", "startup"


def signed_in(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated)


def member(user: User | None) -> bool:
    """Signed in and approved (managers always are): may see what members see."""
    return bool(signed_in(user) and user is not None and user.is_approved)


def manager(user: User | None) -> bool:
    return bool(signed_in(user) and user is not None and user.is_manager)


def own_org_id(user: User | None) -> int | None:
    """The organisation this approved member acts for; None for managers and everyone else."""
    if not member(user) or user is None or user.is_manager:
        return None
    return user.organisation_id


def acts_for(user: User | None, org_id: int | None) -> bool:
    """An approved member of exactly this organisation."""
    return org_id is not None and own_org_id(user) == org_id


def belongs_to(user: User | None, org_id: int | None) -> bool:
    """A member of this organisation, approved or not (a pending startup sees its own page)."""
    return signed_in(user) and user is not None and org_id is not None \
        and user.organisation_id == org_id


def acts_for_kind(user: User | None, kind: OrgKind) -> bool:
    """An approved member of a municipality (or of a startup)."""
    return (own_org_id(user) is not None and user is not None
            and user.organisation is not None and user.organisation.kind == kind)


def manager_or_member_of(user: User | None, org_id: int | None) -> bool:
    """The programme office, or the organisation that owns the record."""
    return manager(user) or acts_for(user, org_id)


def side(user: User | None, municipality_id: int, startup_id: int) -> str | None:
    """Which side of a pair (a pilot, its marketing, a recommendation) this user speaks for."""
    if manager(user):
        return MANAGER
    if acts_for(user, municipality_id):
        return MUNICIPALITY
    if acts_for(user, startup_id):
        return STARTUP
    return None


def visible_or_404(record: T | None, allowed: bool | None, message: str) -> T:
    """The record, unless it is missing or this user may not know it exists."""
    if record is None or not allowed:
        raise NotFound(message)
    return record


def require(allowed: bool, message: str) -> None:
    """Refuse with 403 (the user may know the record, not change it)."""
    if not allowed:
        raise PermissionDenied(message)


def require_party(user: User | None, municipality_id: int, startup_id: int,
                  message: str) -> str:
    """The actor's side of the pair, or PermissionDenied for anyone who is not a party."""
    who = side(user, municipality_id, startup_id)
    if who is None:
        raise PermissionDenied(message)
    return who


def own_side(user: User | None, *, municipality: Any, startup: Any) -> ColumnElement[bool]:
    """A WHERE clause for a pair's records (a recommendation, a proposal, a pilot, its
    marketing): every row for managers, none for non-members, else the rows whose column of
    the user's own side holds their organisation. Only a municipality posts challenges and only
    a startup joins pairs, so one column says it, and the database can use that column's index
    (an OR across the two sides' tables makes it read every row)."""
    if manager(user):
        return true()
    org_id = own_org_id(user)
    if org_id is None:
        return false()
    return (municipality if acts_for_kind(user, OrgKind.municipality) else startup) == org_id


def flags(user: User | None) -> dict[str, bool]:
    """What the user is, for templates: they test these and never a role string."""
    return {
        "is_member": member(user),
        "is_manager": manager(user),
        "is_municipality": acts_for_kind(user, OrgKind.municipality),
        "is_startup": acts_for_kind(user, OrgKind.startup),
    }
