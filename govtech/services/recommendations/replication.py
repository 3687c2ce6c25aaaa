"""横展開 in batch: every adopted pilot's proven solution scored against a fitted index at once.

A rebuild writes these pairs into its new generation with the others (so they are swapped in
together); a saved challenge is checked against the adopted pilots of its fields in a
background thread, as that takes seconds on national data (one score per pilot) and the town's
save must not wait.
"""
from __future__ import annotations

from collections.abc import Collection, Iterator
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

import matching
from govtech.extensions import db
from govtech.models import (
    Challenge,
    ChallengeState,
    Organisation,
    OrgState,
    Pilot,
    PilotStage,
)
from govtech.services import transaction
from govtech.services.recommendations import generations, store
from govtech.services.recommendations.documents import (
    challenge_doc,
    fingerprint,
    replication_doc,
    startup_doc,
)

JOB = "govtech.services.recommendations.replication.replicate_challenge"
Proven = dict[tuple[int, int], tuple[int, matching.Match]]  # (challenge, startup) → pilot, pair


def adopted_pilots() -> Select[tuple[Pilot]]:
    """Adopted pilots of approved startups, with what their replication documents read."""
    return (select(Pilot).join(Organisation, Organisation.id == Pilot.startup_id)
            .where(Pilot.stage == PilotStage.adopted, Organisation.state == OrgState.approved)
            .options(joinedload(Pilot.challenge).joinedload(Challenge.organisation),
                     joinedload(Pilot.startup).selectinload(Organisation.capabilities))
            .order_by(Pilot.id))


def proven_pairs(fitted: matching.Matcher, exclude: Collection[tuple[str, str]],
                 towns: dict[int, int], only: int | None = None, workers: int = 1,
                 pilot_ids: Collection[int] | None = None) -> Proven:
    """Each adopted pilot's (of `pilot_ids`, if given) best challenges of other towns
    (`towns`: challenge → its town), of challenge `only` if given; a pair proven by two
    pilots keeps the later one."""
    found: Proven = {}
    for pilot, match in _scored(fitted, exclude, workers, pilot_ids):
        cid = int(match.challenge_id)
        if cid in towns and towns[cid] != pilot.challenge.organisation_id and (
                only is None or cid == only):
            found[(cid, pilot.startup_id)] = (pilot.id, match)
    return found


def _scored(fitted: matching.Matcher, exclude: Collection[tuple[str, str]], workers: int,
            pilot_ids: Collection[int] | None) -> Iterator[tuple[Pilot, matching.Match]]:
    """On `workers` threads: the scoring is mostly numpy and scipy, which let go of the GIL."""
    query = adopted_pilots()
    if pilot_ids is not None:
        query = query.where(Pilot.id.in_(list(pilot_ids)))
    pilots = db.session.scalars(query).unique().all()
    docs = [replication_doc(pilot) for pilot in pilots]
    of_startup: dict[str, set[tuple[str, str]]] = {}
    for pair in exclude:  # each query gets only its own startup's pairs: the matcher ranks
        of_startup.setdefault(pair[1], set()).add(pair)  # k + len(exclude) candidates

    def score(doc: matching.StartupDoc) -> matching.ScoredResult:
        return fitted.score_startup(doc, k=store.TOP_K, exclude=of_startup.get(doc.id, set()))

    if workers > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(score, docs))
    else:
        results = [score(doc) for doc in docs]
    for pilot, result in zip(pilots, results, strict=True):
        for match in result.matches:
            yield pilot, match


def towns_of_open_challenges() -> dict[int, int]:
    return dict(db.session.execute(select(Challenge.id, Challenge.organisation_id).where(
        Challenge.state == ChallengeState.open)).tuples().all())


def _same_field(challenge: Challenge) -> list[int]:
    """Adopted pilots whose solved challenge shares a category with this one: a solution from
    another field seldom ranks in a pilot's top pairs, and scoring every pilot costs 10-20 s
    per save on national data. The next full rebuild scores every pilot."""
    wanted = set(challenge.categories)
    rows = db.session.execute(adopted_pilots().with_only_columns(Pilot.id, Challenge.categories)
                              .join(Challenge, Challenge.id == Pilot.challenge_id)).tuples()
    return [pilot_id for pilot_id, categories in rows if wanted & set(categories or [])]


@transaction.unit_of_work()
def replicate_challenge(challenge_id: int) -> int:
    """The background job after a challenge is saved: the pilots whose solution now fits it.
    Returns how many 横展開 pairs it stored."""
    from govtech.services.recommendations.index import matcher

    challenge = db.session.get(Challenge, challenge_id)
    if challenge is None or challenge.state != ChallengeState.open:
        return 0
    generations.lock()
    generation = generations.live()
    closed = store.pairs_closed(challenge_ids=[challenge_id])
    prints_c = {challenge_id: fingerprint(challenge_doc(challenge))}
    prints_s = {sid: fingerprint(startup_doc(db.session.get_one(Organisation, sid)))
                for _cid, sid in closed}
    exclude = store.excluded(closed, prints_c, prints_s)
    found = proven_pairs(matcher(), exclude, {challenge_id: challenge.organisation_id},
                         only=challenge_id, pilot_ids=_same_field(challenge))
    stored = 0
    for (_cid, sid), (pilot_id, match) in found.items():
        prints_s.setdefault(sid, fingerprint(startup_doc(db.session.get_one(Organisation, sid))))
        stored += store.save([match], prints_c, prints_s, proven_pilot_id=pilot_id,
                             generation=generation)
    return stored
