"""The app's records as the matcher's documents, and which records take part at all.

A stored pair keeps a fingerprint of both documents, so a rejected or dismissed pair stays out
exactly while both texts are as they were when it was scored.
"""
from __future__ import annotations

import hashlib

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

import matching
from govtech import reference
from govtech.models import (
    Challenge,
    ChallengeState,
    Organisation,
    OrgKind,
    OrgState,
    Pilot,
)


def challenge_doc(challenge: Challenge) -> matching.ChallengeDoc:
    """A challenge is matched on its texts, tags, categories and the town's prefecture."""
    pref = challenge.organisation.prefecture
    return matching.ChallengeDoc(
        id=str(challenge.id), title=challenge.title,
        body="\n".join([challenge.summary, challenge.description, challenge.desired_outcome]),
        tags=tuple(challenge.tags),
        categories=tuple(reference.CATEGORIES[c][0] for c in challenge.categories
                         if c in reference.CATEGORIES),
        prefecture=reference.PREFECTURES[pref][0] if pref in reference.PREFECTURES else "")


def startup_doc(org: Organisation) -> matching.StartupDoc:
    """A startup is matched on its profile and all of its capabilities together."""
    caps = org.capabilities
    regions = set(org.regions_served)
    for cap in caps:
        regions.update(cap.regions)
    names = tuple(sorted({"全国" if r == "all" else reference.PREFECTURES[r][0]
                          if r in reference.PREFECTURES else r for r in regions}))
    return matching.StartupDoc(
        id=str(org.id), name=org.name,
        body="\n".join([org.description] + [f"{c.title}\n{c.description}" for c in caps]),
        tags=tuple(t for c in caps for t in [c.title, *c.tags]),
        categories=tuple(sorted({reference.CATEGORIES[k][0] for c in caps for k in c.categories
                                 if k in reference.CATEGORIES})),
        regions=names)


def replication_doc(pilot: Pilot) -> matching.StartupDoc:
    """The proven solution: the challenge it solved, in the words of that town, plus the
    startup's own profile — so towns describing the same problem find it."""
    base = startup_doc(pilot.startup)
    solved = challenge_doc(pilot.challenge)
    return matching.StartupDoc(
        id=base.id, name=base.name, body=f"{solved.title}\n{solved.body}\n{base.body}",
        tags=solved.tags + base.tags,
        categories=tuple(sorted(set(solved.categories) | set(base.categories))),
        regions=base.regions)


def fingerprint(doc: matching.ChallengeDoc | matching.StartupDoc) -> str:
    """Changes whenever anything the matcher reads of the document changes."""
    return hashlib.sha1(repr(doc).encode("utf-8"), usedforsecurity=False).hexdigest()


def open_challenges() -> Select[tuple[Challenge]]:
    """Challenges that take part: open, of an approved municipality."""
    return (select(Challenge).join(Challenge.organisation)
            .where(Challenge.state == ChallengeState.open, Organisation.state == OrgState.approved)
            .options(joinedload(Challenge.organisation)))


def approved_startups() -> Select[tuple[Organisation]]:
    """Startups that take part: approved ones, with their capabilities."""
    return (select(Organisation)
            .where(Organisation.kind == OrgKind.startup, Organisation.state == OrgState.approved)
            .options(selectinload(Organisation.capabilities)))
