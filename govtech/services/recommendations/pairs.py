"""Pairs that already exist: a challenge and a startup that were introduced, are proposing,
piloting or adopted are never recommended again, and where one party appears before the other
a badge says how they stand (「実証中・48日目」, 「提案中」, 「紹介済み」, 「導入済み」).

A pair exists while it has a pilot in any stage but 辞退 (withdrawn) and 不採用 (not adopted),
or a proposal that is neither withdrawn nor declined. Both are read in SQL: the exclusion is a
NOT EXISTS in the lists' own query, the badges one query per table for the organisations shown.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, or_, select

from govtech import formatting
from govtech.extensions import db
from govtech.models import (
    Challenge,
    Organisation,
    OrgKind,
    Pilot,
    PilotStage,
    Proposal,
    ProposalState,
    User,
)
from govtech.models.base import utcnow
from govtech.services import access

ENDED_STAGES = (PilotStage.withdrawn, PilotStage.not_adopted)
ENDED_PROPOSALS = (ProposalState.withdrawn, ProposalState.declined)
#: a pilot's stage → the badge's key (pair_badge in templates/macros/pairs.html)
STAGE_STATUS = {
    PilotStage.introduced: "introduced", PilotStage.meeting: "introduced",
    PilotStage.proposal: "proposing", PilotStage.selected: "selected",
    PilotStage.agreement: "selected", PilotStage.pilot: "piloting",
    PilotStage.evaluation: "evaluating", PilotStage.budgeting: "budgeting",
    PilotStage.adopted: "adopted"}
#: which status wins when one pair of organisations has several pairs (furthest along)
ORDER = ("introduced", "proposing", "selected", "piloting", "evaluating", "budgeting", "adopted")


def existing(challenge_id: ColumnElement[int] | object,
             startup_id: ColumnElement[int] | object) -> ColumnElement[bool]:
    """True where the pair (challenge, startup) already has a live pilot or proposal."""
    return or_(
        exists(select(Pilot.id).where(Pilot.challenge_id == challenge_id,
                                      Pilot.startup_id == startup_id,
                                      Pilot.stage.not_in(ENDED_STAGES))),
        exists(select(Proposal.id).where(Proposal.challenge_id == challenge_id,
                                         Proposal.startup_id == startup_id,
                                         Proposal.state.not_in(ENDED_PROPOSALS))))


@dataclass(frozen=True)
class PairStatus:
    key: str  # see ORDER
    pilot_id: int | None = None
    days: int | None = None  # the day of the pilot stage (実証中・48日目)
    challenge: str = ""  # the challenge's title, for the badge's title text

    def rank(self) -> int:
        return ORDER.index(self.key)


@dataclass
class PairStatuses:
    """The user's existing pairs, by exact pair and by the two organisations."""

    by_pair: dict[tuple[int, int], PairStatus]
    by_orgs: dict[tuple[int, int], PairStatus]

    def pair(self, challenge_id: int, startup_id: int) -> PairStatus | None:
        return self.by_pair.get((challenge_id, startup_id))

    def orgs(self, town_id: int, startup_id: int) -> PairStatus | None:
        return self.by_orgs.get((town_id, startup_id))


def statuses(user: User, town_ids: Iterable[int] = (), startup_ids: Iterable[int] = ()
             ) -> PairStatuses:
    """How the user's own pairs stand among these towns and startups (managers: everyone's)."""
    towns, startups = set(town_ids), set(startup_ids)
    out = PairStatuses({}, {})
    if not towns or not startups:
        return out
    side = access.own_side(user, municipality=Challenge.organisation_id,
                           startup=Pilot.startup_id)
    today = formatting.local(utcnow()).date()
    for pilot, town_id, title in db.session.execute(
            select(Pilot, Challenge.organisation_id, Challenge.title)
            .join(Challenge, Challenge.id == Pilot.challenge_id)
            .where(side, Challenge.organisation_id.in_(towns), Pilot.startup_id.in_(startups),
                   Pilot.stage.not_in(ENDED_STAGES))):
        key = STAGE_STATUS[pilot.stage]
        days = ((today - formatting.local(pilot.stage_entered_at).date()).days + 1
                if key == "piloting" else None)
        _keep(out, pilot.challenge_id, town_id, pilot.startup_id,
              PairStatus(key, pilot.id, days, title))
    side = access.own_side(user, municipality=Challenge.organisation_id,
                           startup=Proposal.startup_id)
    for cid, town_id, sid, title in db.session.execute(
            select(Proposal.challenge_id, Challenge.organisation_id, Proposal.startup_id,
                   Challenge.title)
            .join(Challenge, Challenge.id == Proposal.challenge_id)
            .where(side, Challenge.organisation_id.in_(towns), Proposal.startup_id.in_(startups),
                   Proposal.state.in_((ProposalState.submitted, ProposalState.shortlisted)))):
        _keep(out, cid, town_id, sid, PairStatus("proposing", None, None, title))
    return out


def _keep(out: PairStatuses, cid: int, town_id: int, sid: int, status: PairStatus) -> None:
    for table, key in ((out.by_pair, (cid, sid)), (out.by_orgs, (town_id, sid))):
        old = table.get(key)
        if old is None or status.rank() > old.rank():
            table[key] = status


# --- where the other party appears outside the recommendation cards ---------------------------

#: At most this many pairs are listed on one challenge's page.
CHALLENGE_PAIRS = 50


def for_challenges(user: User, challenges: Iterable[Challenge]) -> dict[int, PairStatus]:
    """A startup's own pair with each of these challenges (the challenges list): challenge id →
    status. Empty for anyone else. One query per table, over the challenges shown."""
    own = access.own_org_id(user)
    shown = list(challenges)
    if own is None or not access.acts_for_kind(user, OrgKind.startup) or not shown:
        return {}
    found = statuses(user, {c.organisation_id for c in shown}, [own])
    return {c.id: status for c in shown if (status := found.pair(c.id, own)) is not None}


def with_startup(user: User, startup_id: int) -> PairStatus | None:
    """How a town's pairs with this startup stand (the furthest along), for the startup's page
    seen by the town; None for anyone else or without a pair."""
    own = access.own_org_id(user)
    if own is None or not access.acts_for_kind(user, OrgKind.municipality):
        return None
    return statuses(user, [own], [startup_id]).orgs(own, startup_id)


def of_challenge(user: User, challenge: Challenge) -> list[tuple[Organisation, PairStatus]]:
    """The startups in a live pair (pilot or proposal) with this challenge that the user may
    see (its town and managers: all; a startup: its own), the furthest along first. At most
    CHALLENGE_PAIRS, read in four bounded queries."""
    pilots = access.own_side(user, municipality=Challenge.organisation_id,
                             startup=Pilot.startup_id)
    proposals = access.own_side(user, municipality=Challenge.organisation_id,
                                startup=Proposal.startup_id)
    ids = set(db.session.scalars(
        select(Pilot.startup_id).join(Challenge, Challenge.id == Pilot.challenge_id)
        .where(Pilot.challenge_id == challenge.id, Pilot.stage.not_in(ENDED_STAGES), pilots)
        .order_by(Pilot.id).limit(CHALLENGE_PAIRS)))
    ids |= set(db.session.scalars(
        select(Proposal.startup_id).join(Challenge, Challenge.id == Proposal.challenge_id)
        .where(Proposal.challenge_id == challenge.id,
               Proposal.state.in_((ProposalState.submitted, ProposalState.shortlisted)),
               proposals).order_by(Proposal.id).limit(CHALLENGE_PAIRS)))
    if not ids:
        return []
    found = statuses(user, [challenge.organisation_id], ids)
    names = {org.id: org for org in db.session.scalars(
        select(Organisation).where(Organisation.id.in_(ids)))}
    rows = [(names[sid], status) for sid in ids
            if sid in names and (status := found.pair(challenge.id, sid)) is not None]
    rows.sort(key=lambda row: (-row[1].rank(), row[0].name))
    return rows[:CHALLENGE_PAIRS]
