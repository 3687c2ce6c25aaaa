"""The index this process holds, and scoring one new or edited document against it at once.

Each refresh is a unit of work of its own. Other services schedule it after their own commit
(`transaction.after_commit(lambda: recommendations.refresh_quietly(kind, obj))`), so a matcher
failure can never lose the user's edit; the next full rebuild repairs the pairs.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.sql.elements import ColumnElement

import matching
from govtech import jobs
from govtech.extensions import db
from govtech.models import (
    Capability,
    Challenge,
    ChallengeState,
    Organisation,
    OrgState,
    Pilot,
    PilotStage,
    Recommendation,
    RecommendationState,
)
from govtech.services import transaction
from govtech.services.recommendations import generations, store
from govtech.services.recommendations.documents import (
    approved_startups,
    challenge_doc,
    fingerprint,
    open_challenges,
    replication_doc,
    startup_doc,
)

REPLICATE_JOB = "govtech.services.recommendations.replication.replicate_challenge"
REFRESH_JOB = "govtech.services.recommendations.index.refresh_later"
_lock = threading.Lock()
_index: dict[str, object] = {}


def data_stamp() -> tuple:
    """Changes whenever a participating document may have changed."""
    return tuple(tuple(db.session.execute(select(func.count(), func.max(model.updated_at))).one())
                 for model in (Challenge, Organisation, Capability))


def matcher() -> matching.Matcher:
    """The fitted index: refitted after a rebuild, or when documents changed and it is small.

    Below MATCHER_REFIT_LIMIT documents a refit takes well under a second, so edits show up in
    both directions at once; above it the index stays until the next full rebuild, and a new or
    edited document is scored against it as it is.
    """
    stamp = data_stamp()
    key = (db.engine.url.render_as_string(), generations.live())
    small = sum(count for count, _latest in stamp) <= current_app.config["MATCHER_REFIT_LIMIT"]
    with _lock:
        if _index.get("key") != key or (small and _index.get("stamp") != stamp):
            docs_c = [challenge_doc(c) for c in db.session.scalars(open_challenges())]
            docs_s = [startup_doc(o) for o in db.session.scalars(approved_startups())]
            _index["matcher"] = matching.Matcher().fit(docs_c, docs_s, workers=1)
            _index["key"], _index["stamp"] = key, stamp
        return _index["matcher"]  # type: ignore[return-value]


def adopt(fitted: matching.Matcher, generation: int, stamp: tuple) -> None:
    """Keep the index a rebuild just fitted (generation `generation`, on the documents as
    `stamp` saw them), so this process does not fit it again."""
    with _lock:
        _index["matcher"] = fitted
        _index["key"] = (db.engine.url.render_as_string(), generation)
        _index["stamp"] = stamp


def forget_index() -> None:
    """Drop the cached index (tests, and after a rebuild in this process)."""
    with _lock:
        _index.clear()


def _clear(which: ColumnElement[bool]) -> int:
    """Drop one document's suggested pairs of the live generation, which is returned; the first
    statement writes, so on SQLite a rebuild's swap cannot slip in between (generations.lock)."""
    generations.lock()
    db.session.execute(delete(Recommendation).where(
        which, Recommendation.state == RecommendationState.suggested,
        Recommendation.generation == Recommendation.live_generation()))
    return generations.live()


@transaction.unit_of_work()
def refresh_challenge(challenge: Challenge) -> str:
    """Score one new or edited challenge against the index; returns why it has none, or ''."""
    generation = _clear(Recommendation.challenge_id == challenge.id)
    if challenge.state != ChallengeState.open:
        return "not_open"
    doc = challenge_doc(challenge)
    closed = store.pairs_closed(challenge_ids=[challenge.id])
    startups = {o.id: o for o in db.session.scalars(approved_startups().where(
        Organisation.id.in_([s for _c, s in closed])))} if closed else {}
    prints_c = {challenge.id: fingerprint(doc)}
    prints_s = {sid: fingerprint(startup_doc(org)) for sid, org in startups.items()}
    result = matcher().score_challenge(doc, k=store.TOP_K,
                                       exclude=store.excluded(closed, prints_c, prints_s))
    if result.matches:
        for match in result.matches:
            sid = int(match.startup_id)
            if sid not in prints_s:
                org = db.session.get_one(Organisation, sid)
                prints_s[sid] = fingerprint(startup_doc(org))
        store.save(result.matches, prints_c, prints_s, generation=generation)
    challenge_id = challenge.id
    transaction.after_commit(lambda: _replicate_later(challenge_id))
    return result.reason


def _replicate_later(challenge_id: int) -> None:
    """Which adopted pilots' solutions fit the saved challenge: one score per pilot, seconds
    on national data, so a thread of this process does it (it needs this process's index)
    while the town's save returns."""
    if db.session.scalar(select(Pilot.id).where(Pilot.stage == PilotStage.adopted).limit(1)):
        jobs.in_thread(REPLICATE_JOB, challenge_id)


@transaction.unit_of_work()
def refresh_startup(org: Organisation) -> str:
    """Score one new or edited startup against the index; returns why it has none, or ''."""
    generation = _clear(Recommendation.startup_id == org.id)
    if org.state != OrgState.approved:
        return "not_approved"
    doc = startup_doc(org)
    closed = store.pairs_closed(startup_ids=[org.id])
    prints_s = {org.id: fingerprint(doc)}
    prints_c = {}
    for (cid, _sid) in closed:
        challenge = db.session.get_one(Challenge, cid)
        prints_c[cid] = fingerprint(challenge_doc(challenge))
    result = matcher().score_startup(doc, k=store.TOP_K,
                                     exclude=store.excluded(closed, prints_c, prints_s))
    for match in result.matches:
        cid = int(match.challenge_id)
        if cid not in prints_c:
            prints_c[cid] = fingerprint(challenge_doc(db.session.get_one(Challenge, cid)))
    store.save(result.matches, prints_c, prints_s, generation=generation)
    org_id = org.id
    transaction.after_commit(lambda: replicate_all(startup_id=org_id))
    return result.reason


@transaction.unit_of_work()
def refresh_replication(pilot: Pilot) -> int:
    """横展開: suggest an adopted pilot's startup to other towns' open challenges that
    resemble the one it solved."""
    if pilot.stage != PilotStage.adopted or pilot.startup.state != OrgState.approved:
        return 0
    generations.lock()
    generation = generations.live()
    org = pilot.startup
    closed = store.pairs_closed(startup_ids=[org.id])
    prints_s = {org.id: fingerprint(startup_doc(org))}
    prints_c = {cid: fingerprint(challenge_doc(db.session.get_one(Challenge, cid)))
                for cid, _sid in closed}
    result = matcher().score_startup(replication_doc(pilot), k=store.TOP_K,
                                     exclude=store.excluded(closed, prints_c, prints_s))
    home = pilot.challenge.organisation_id
    matches = []
    for match in result.matches:
        challenge = db.session.get_one(Challenge, int(match.challenge_id))
        if challenge.organisation_id != home:
            prints_c.setdefault(challenge.id, fingerprint(challenge_doc(challenge)))
            matches.append(match)
    return store.save(matches, prints_c, prints_s, proven_pilot_id=pilot.id,
                      generation=generation)


def replicate_all(startup_id: int | None = None) -> None:
    """Refresh the 横展開 pairs of every adopted pilot (of one startup), each in its own unit."""
    query = select(Pilot).where(Pilot.stage == PilotStage.adopted)
    if startup_id is not None:
        query = query.where(Pilot.startup_id == startup_id)
    for pilot in db.session.scalars(query).all():
        refresh_replication(pilot)


def refresh_quietly(kind: str, obj: Any) -> None:
    """Re-score a saved challenge, startup or adopted pilot: a matcher failure is logged and
    must never lose the user's edit. Inside a unit of work it waits for that unit's commit."""
    if transaction.in_unit():
        transaction.after_commit(lambda: refresh_quietly(kind, obj))
        return
    if not _ready():  # fitting the index first takes a minute on national data
        jobs.in_thread(REFRESH_JOB, kind, obj.id)
        return
    try:
        _REFRESHERS[kind](obj)
    except Exception:  # noqa: BLE001 - the unit rolled back; the next rebuild repairs the pairs
        current_app.logger.exception("Scoring %s %s failed", kind, getattr(obj, "id", "?"))


def refresh_later(kind: str, obj_id: int) -> None:
    """The same, in a thread of this process (the job `REFRESH_JOB`): it fits the index and
    keeps it for the next saves, while the save that asked has returned."""
    model = {"challenge": Challenge, "startup": Organisation, "pilot": Pilot}[kind]
    obj = db.session.get(model, obj_id)
    try:
        if obj is not None:
            _REFRESHERS[kind](obj)
    except Exception:  # noqa: BLE001 - as refresh_quietly
        current_app.logger.exception("Scoring %s %s failed", kind, obj_id)


def _ready() -> bool:
    """Whether this process holds the live index, or could fit it in a moment."""
    stamp = data_stamp()
    if sum(count for count, _latest in stamp) <= current_app.config["MATCHER_REFIT_LIMIT"]:
        return True
    with _lock:
        return _index.get("key") == (db.engine.url.render_as_string(), generations.live())


_REFRESHERS: dict[str, Callable[[Any], object]] = {
    "challenge": refresh_challenge, "startup": refresh_startup, "pilot": refresh_replication}
