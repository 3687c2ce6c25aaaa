"""Challenges: who may see and change them, their states, and finding them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import contains_eager, defer

from govtech.extensions import db
from govtech.models import Challenge, ChallengeState, Organisation, OrgKind, OrgState, User
from govtech.models.base import utcnow
from govtech.models.history import HistoryEvent
from govtech.reference import CATEGORIES
from govtech.services import (
    access,
    commitment,
    history,
    recommendations,
    search,
    transaction,
    workflow,
)
from govtech.services.errors import DomainError

TOKYO = ZoneInfo("Asia/Tokyo")
EDITABLE = ("title", "summary", "description", "categories", "tags", "desired_outcome",
            "budget_min", "budget_max", "pilot_start", "pilot_end", "deadline",
            *commitment.FIELDS)
MAX_TAGS, MAX_TAG_LENGTH = 10, 30


def today() -> date:
    """Deadlines are Japanese calendar days."""
    return datetime.now(TOKYO).date()


def accepts_proposals(challenge: Challenge) -> bool:
    """Open, not past its deadline, and its municipality not suspended: correct at any moment,
    no scheduled job needed."""
    return (challenge.state == ChallengeState.open
            and challenge.organisation.state == OrgState.approved
            and (challenge.deadline is None or challenge.deadline >= today()))


# --- access ------------------------------------------------------------------------------------

def is_owner(user: User | None, challenge: Challenge) -> bool:
    return access.belongs_to(user, challenge.organisation_id)


def can_edit(user: User | None, challenge: Challenge) -> bool:
    """The programme office, or an approved member of the municipality that posted it."""
    return access.manager_or_member_of(user, challenge.organisation_id)


def can_see_details(user: User | None, challenge: Challenge) -> bool:
    """Signed-in, approved members see an open challenge in full; the public sees a summary."""
    return can_edit(user, challenge) or (access.member(user)
                                         and challenge.state != ChallengeState.draft)


def _may_know(user: User | None, challenge: Challenge) -> bool:
    """Drafts are their municipality's own; archived ones are for members only."""
    if challenge.state == ChallengeState.draft:
        return can_edit(user, challenge)
    if challenge.state == ChallengeState.archived:
        return access.member(user)
    return True


def get_visible(user: User | None, challenge_id: int) -> Challenge:
    """The challenge if this user may know it exists; drafts of others are 404, not 403."""
    challenge = db.session.get(Challenge, challenge_id)
    return access.visible_or_404(challenge, challenge is not None and _may_know(user, challenge),
                                 _("This challenge does not exist."))


def _require_editor(user: User | None, challenge: Challenge) -> None:
    access.require(can_edit(user, challenge),
                   _("Only the municipality that posted this challenge can change it."))


def get_editable(user: User, challenge_id: int) -> Challenge:
    challenge = get_visible(user, challenge_id)
    _require_editor(user, challenge)
    return challenge


def timeline(user: User | None, challenge: Challenge) -> list[HistoryEvent]:
    """The challenge's history, for those who may edit it (others see none)."""
    return history.timeline("challenge", challenge.id) if can_edit(user, challenge) else []


# --- writing -----------------------------------------------------------------------------------

def check_categories_and_tags(values: dict) -> None:
    """Categories from the fixed taxonomy; a few short tags (challenges and capabilities alike)."""
    unknown = [c for c in values.get("categories", []) if c not in CATEGORIES]
    if unknown:
        raise DomainError(_("Unknown category: %(name)s", name=", ".join(unknown)),
                          field="categories")
    tags = values.get("tags", [])
    if len(tags) > MAX_TAGS:
        raise DomainError(_("Use at most %(n)d tags.", n=MAX_TAGS), field="tags")
    if any(len(tag) > MAX_TAG_LENGTH for tag in tags):
        raise DomainError(_("A tag may have at most %(n)d characters.", n=MAX_TAG_LENGTH),
                          field="tags")


def _validate(values: dict) -> None:
    """Rules that hold for every save; the form already checked types and lengths."""
    check_categories_and_tags(values)
    low, high = values.get("budget_min"), values.get("budget_max")
    if (low is not None and low < 0) or (high is not None and high < 0):
        raise DomainError(_("A budget cannot be negative."), field="budget_min")
    if low is not None and high is not None and low > high:
        raise DomainError(_("The lower budget is above the upper one."), field="budget_max")
    start, end = values.get("pilot_start"), values.get("pilot_end")
    if start and end and end < start:
        raise DomainError(_("The pilot cannot end before it starts."), field="pilot_end")


def _check_deadline(deadline: date | None, previous: date | None = None) -> None:
    if deadline is not None and deadline != previous and deadline < today():
        raise DomainError(_("The application deadline cannot be in the past."), field="deadline")


PUBLIC_INDEX = "challenge_public"


def _reindex(challenge: Challenge) -> None:
    """Two term lists: every field for members, and what the public may read (title, summary,
    the town) for anonymous search, so a visitor cannot probe hidden text word by word."""
    org = challenge.organisation
    facets = [search.facet("category", c) for c in challenge.categories]
    if org.prefecture:
        facets.append(search.facet("prefecture", org.prefecture))
    public = search.terms_of([challenge.title, challenge.summary, org.name], facets)
    search.store(PUBLIC_INDEX, challenge.id, public)
    search.store("challenge", challenge.id, public | search.terms_of(
        [challenge.description, challenge.desired_outcome, " ".join(challenge.tags)]))


@transaction.unit_of_work()
def reindex_all() -> int:
    """Rebuild the search terms of every challenge (after an upgrade that changed them)."""
    count = 0
    for challenge in db.session.scalars(select(Challenge)):
        _reindex(challenge)
        count += 1
    return count


def can_post(user: User | None) -> bool:
    return access.acts_for_kind(user, OrgKind.municipality)


def _refresh_after_commit(challenge: Challenge) -> None:
    transaction.after_commit(lambda: recommendations.refresh_quietly("challenge", challenge))


_STALE = _l("Someone else saved this challenge while you were editing. Your text is still in "
            "the form; compare it with the current version before saving again.")


@transaction.unit_of_work(_STALE)
def create(actor: User, **values) -> Challenge:
    """A new draft challenge of the actor's municipality."""
    access.require(can_post(actor), _("Only approved municipalities can post challenges."))
    org = actor.organisation
    _validate(values)
    if org is not None:  # can_post: an approved municipality's member
        commitment.check(org, values)
    _check_deadline(values.get("deadline"))
    challenge = Challenge(organisation=org, state=ChallengeState.draft,
                          **{k: values.get(k) for k in EDITABLE if k in values})
    db.session.add(challenge)
    db.session.flush()
    history.record("challenge", challenge.id, actor, None, ChallengeState.draft)
    _reindex(challenge)
    _refresh_after_commit(challenge)
    return challenge


@transaction.unit_of_work(_STALE)
def update(actor: User, challenge: Challenge, *, expected_version: int | None,
           **values) -> Challenge:
    """Save edits, unless someone else saved since `expected_version` was read."""
    _require_editor(actor, challenge)
    transaction.check_version(challenge, expected_version)
    _validate(values)
    commitment.check(challenge.organisation, values, challenge)
    _check_deadline(values.get("deadline"), challenge.deadline)
    for key in EDITABLE:
        if key in values:
            setattr(challenge, key, values[key])
    _reindex(challenge)
    _refresh_after_commit(challenge)
    return challenge


@transaction.unit_of_work(_l("Someone else changed this challenge at the same moment. "
                             "Please reload."))
def transition(actor: User, challenge: Challenge, target: ChallengeState, note: str = "") -> None:
    """Open, close, reopen or archive a challenge, with its history event."""
    _require_editor(actor, challenge)
    workflow.check(workflow.CHALLENGE, challenge.state, target)
    if target == ChallengeState.open:
        if not challenge.summary or not challenge.categories:
            raise DomainError(_("Add a summary and at least one category before opening."))
        if challenge.deadline is not None and challenge.deadline < today():
            raise DomainError(_("Move the deadline to a future date before opening."))
        challenge.opened_at = challenge.opened_at or utcnow()
    previous = challenge.state
    challenge.state = target
    history.record("challenge", challenge.id, actor, previous, target, note)
    _refresh_after_commit(challenge)


def allowed_targets(user: User | None, challenge: Challenge) -> list[str]:
    if not can_edit(user, challenge):
        return []
    return sorted(workflow.CHALLENGE.get(challenge.state, frozenset()))


# --- finding -----------------------------------------------------------------------------------

@dataclass
class Filters:
    q: str = ""
    category: str = ""
    prefecture: str = ""
    budget: int | None = None  # at least this much (万円)
    state: str = ""
    deadline: str = ""  # "accepting" | "soon"
    sort: str = "new"  # new | deadline | title
    mine: bool = False
    commitment: str = ""  # "made" | "missing": the commitment at posting filled in or not


SORTS: dict[str, tuple[ColumnElement[Any], ...]] = {
    "new": (Challenge.opened_at.desc(), Challenge.id.desc()),
    "deadline": (Challenge.deadline.asc(), Challenge.id.desc()),
    "title": (Challenge.title.asc(), Challenge.id.desc())}


def list_query(user: User | None, filters: Filters) -> Select[tuple[Challenge]] | None:
    """Challenges this user may list, filtered and sorted; None when the query has no words."""
    # The list shows neither the long texts nor the organisation's profile: leaving them out
    # keeps the rows that are sorted small, which is most of the cost at 20,000 challenges.
    query = select(Challenge).join(Challenge.organisation).options(
        contains_eager(Challenge.organisation).load_only(
            Organisation.name, Organisation.prefecture, Organisation.state),
        defer(Challenge.description), defer(Challenge.desired_outcome))
    query = query.where(Organisation.state == OrgState.approved)
    member = user if access.member(user) else None
    own_org = access.own_org_id(user)
    if filters.mine and own_org:
        query = query.where(Challenge.organisation_id == own_org)
    if filters.state in ChallengeState.__members__ and member is not None:
        query = query.where(Challenge.state == ChallengeState(filters.state))
        if filters.state == "draft" and not member.is_manager:
            query = query.where(Challenge.organisation_id == own_org)
    elif member is not None and (member.is_manager or filters.mine):
        query = query.where(Challenge.state != ChallengeState.archived)
        if not member.is_manager:
            query = query.where(or_(Challenge.state != ChallengeState.draft,
                                    Challenge.organisation_id == own_org))
    else:
        query = query.where(Challenge.state == ChallengeState.open)
    terms = search.filter_terms(filters.q, filters.category, filters.prefecture)
    if terms is None:
        return None
    if terms:
        index = "challenge" if member is not None else PUBLIC_INDEX
        query = query.where(Challenge.id.in_(search.matching_ids(index, terms)))
    if filters.budget is not None:
        query = query.where(or_(Challenge.budget_max >= filters.budget,
                                Challenge.budget_max.is_(None) & (Challenge.budget_min
                                                                  >= filters.budget)))
    if filters.commitment in ("made", "missing") and member is not None:
        made = commitment.made_clause()
        query = query.where(made if filters.commitment == "made" else ~made)
    if filters.deadline == "accepting":
        query = query.where(or_(Challenge.deadline.is_(None), Challenge.deadline >= today()))
    elif filters.deadline == "soon":
        query = query.where(Challenge.deadline >= today(),
                            Challenge.deadline <= today() + timedelta(days=14))
    return query.order_by(*SORTS.get(filters.sort, SORTS["new"]))


def count_open() -> int:
    """Open challenges of approved municipalities, as the public sees them."""
    return db.session.scalar(
        select(func.count()).select_from(Challenge).join(Challenge.organisation)
        .where(Challenge.state == ChallengeState.open,
               Organisation.state == OrgState.approved)) or 0
