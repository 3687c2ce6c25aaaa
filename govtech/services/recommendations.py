"""Recommendations: the only adapter between the app and the matcher.

The app maps its challenges and startups onto the matcher's documents, asks for ranked pairs
and stores them with their explanation and the matcher's version. A new or edited document is
scored at once against the index this process holds; a full rebuild refits everything in a
background job (govtech.jobs) and records its progress in a MatchingRun row.

A rejected or dismissed pair stays out while both texts are as they were when it was scored:
each stored pair keeps a fingerprint of both documents.
"""
from __future__ import annotations

import hashlib
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.orm import joinedload, selectinload

import matching
from govtech import reference
from govtech.extensions import db
from govtech.models import (
    Capability,
    Challenge,
    ChallengeState,
    JobState,
    MatchingRun,
    Organisation,
    OrgKind,
    OrgState,
    Pilot,
    PilotStage,
    Recommendation,
    RecommendationState,
    User,
)
from govtech.models.base import utcnow
from govtech.services import history, notifications, search, transaction, workflow
from govtech.services.errors import DomainError, NotFound, PermissionDenied

TOP_K = 10  # pairs kept per document and direction
_CLOSED = (RecommendationState.rejected, RecommendationState.dismissed)


# --- documents ---------------------------------------------------------------------------------

def challenge_doc(challenge: Challenge) -> matching.ChallengeDoc:
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


def fingerprint(doc: matching.ChallengeDoc | matching.StartupDoc) -> str:
    return hashlib.sha1(repr(doc).encode("utf-8")).hexdigest()


def _open_challenges() -> Select[tuple[Challenge]]:
    return (select(Challenge).join(Challenge.organisation)
            .where(Challenge.state == ChallengeState.open, Organisation.state == OrgState.approved)
            .options(joinedload(Challenge.organisation)))


def _approved_startups() -> Select[tuple[Organisation]]:
    return (select(Organisation)
            .where(Organisation.kind == OrgKind.startup, Organisation.state == OrgState.approved)
            .options(selectinload(Organisation.capabilities)))


# --- the index this process holds --------------------------------------------------------------

_lock = threading.Lock()
_index: dict[str, object] = {}


def _data_stamp() -> tuple:
    """Changes whenever a participating document may have changed."""
    return tuple(tuple(db.session.execute(select(func.count(), func.max(model.updated_at))).one())
                 for model in (Challenge, Organisation, Capability))


def _matcher() -> matching.Matcher:
    """The fitted index: refitted after a rebuild, or when documents changed and it is small.

    Below MATCHER_REFIT_LIMIT documents a refit takes well under a second, so edits show up in
    both directions at once; above it the index stays until the next full rebuild, and a new or
    edited document is scored against it as it is.
    """
    latest = db.session.scalar(select(MatchingRun.id).where(MatchingRun.state == JobState.finished)
                               .order_by(MatchingRun.id.desc()).limit(1)) or 0
    stamp = _data_stamp()
    key = (db.engine.url.render_as_string(), latest)
    small = sum(count for count, _latest in stamp) <= current_app.config["MATCHER_REFIT_LIMIT"]
    with _lock:
        if _index.get("key") != key or (small and _index.get("stamp") != stamp):
            docs_c = [challenge_doc(c) for c in db.session.scalars(_open_challenges())]
            docs_s = [startup_doc(o) for o in db.session.scalars(_approved_startups())]
            _index["matcher"] = matching.Matcher().fit(docs_c, docs_s, workers=1)
            _index["key"], _index["stamp"] = key, stamp
        return _index["matcher"]  # type: ignore[return-value]


def forget_index() -> None:
    """Drop the cached index (tests, and after a rebuild in this process)."""
    with _lock:
        _index.clear()


# --- storing -----------------------------------------------------------------------------------

def _pairs_closed(challenge_ids: Iterable[int] | None = None,
                  startup_ids: Iterable[int] | None = None
                  ) -> dict[tuple[int, int], Recommendation]:
    query = select(Recommendation).where(Recommendation.state != RecommendationState.suggested)
    if challenge_ids is not None:
        query = query.where(Recommendation.challenge_id.in_(list(challenge_ids)))
    if startup_ids is not None:
        query = query.where(Recommendation.startup_id.in_(list(startup_ids)))
    return {(r.challenge_id, r.startup_id): r for r in db.session.scalars(query)}


def _excluded(closed: dict[tuple[int, int], Recommendation], prints_c: dict[int, str],
              prints_s: dict[int, str]) -> set[tuple[str, str]]:
    """Introduced pairs, and rejected/dismissed ones whose texts have not changed since."""
    out = set()
    for (cid, sid), rec in closed.items():
        unchanged = (rec.challenge_fingerprint == prints_c.get(cid, rec.challenge_fingerprint)
                     and rec.startup_fingerprint == prints_s.get(sid, rec.startup_fingerprint))
        if rec.state == RecommendationState.introduced or unchanged:
            out.add((str(cid), str(sid)))
    return out


def _save(matches: Iterable[matching.Match], prints_c: dict[int, str],
          prints_s: dict[int, str], proven_pilot_id: int | None = None) -> int:
    """Insert or refresh pairs; a closed pair that comes back (texts changed) is suggested again.

    Pairs under RECOMMENDATION_MIN_SCORE are not kept: one shared everyday word (情報, 支援)
    is not a reason to introduce anybody.
    """
    count = 0
    floor = current_app.config["RECOMMENDATION_MIN_SCORE"]
    keys = {(int(m.challenge_id), int(m.startup_id)): m for m in matches if m.score >= floor}
    existing: dict[tuple[int, int], Recommendation] = {}
    if keys:
        for old in db.session.scalars(select(Recommendation).where(
                Recommendation.challenge_id.in_({c for c, _s in keys}),
                Recommendation.startup_id.in_({s for _c, s in keys}))):
            existing[(old.challenge_id, old.startup_id)] = old
    for (cid, sid), match in keys.items():
        data = match.to_dict()
        rec = existing.get((cid, sid))
        if rec is None:
            rec = Recommendation(challenge_id=cid, startup_id=sid)
            db.session.add(rec)
        elif rec.state in _CLOSED:
            previous = rec.state
            workflow.check(workflow.RECOMMENDATION, previous, RecommendationState.suggested)
            rec.state = RecommendationState.suggested
            rec.reason = ""
            db.session.flush()
            history.record("recommendation", rec.id, None, previous, rec.state,
                           "texts changed")
        rec.score, rec.text_score = data["score"], data["text_score"]
        rec.terms, rec.signals = data["terms"], data["signals"]
        rec.matcher_version = matching.MATCHER_VERSION
        rec.challenge_fingerprint, rec.startup_fingerprint = prints_c[cid], prints_s[sid]
        if proven_pilot_id is not None:
            rec.proven_pilot_id = proven_pilot_id
        count += 1
    return count


def refresh_challenge(challenge: Challenge) -> str:
    """Score one new or edited challenge against the index; returns why it has none, or ''."""
    db.session.execute(delete(Recommendation).where(
        Recommendation.challenge_id == challenge.id,
        Recommendation.state == RecommendationState.suggested))
    if challenge.state != ChallengeState.open:
        db.session.commit()
        return "not_open"
    doc = challenge_doc(challenge)
    closed = _pairs_closed(challenge_ids=[challenge.id])
    startups = {o.id: o for o in db.session.scalars(_approved_startups().where(
        Organisation.id.in_([s for _c, s in closed])))} if closed else {}
    prints_c = {challenge.id: fingerprint(doc)}
    prints_s = {sid: fingerprint(startup_doc(org)) for sid, org in startups.items()}
    result = _matcher().score_challenge(doc, k=TOP_K, exclude=_excluded(closed, prints_c,
                                                                         prints_s))
    if result.matches:
        for match in result.matches:
            sid = int(match.startup_id)
            if sid not in prints_s:
                org = db.session.get_one(Organisation, sid)
                prints_s[sid] = fingerprint(startup_doc(org))
        _save(result.matches, prints_c, prints_s)
    db.session.commit()
    _replicate_all()
    return result.reason


def refresh_startup(org: Organisation) -> str:
    """Score one new or edited startup against the index; returns why it has none, or ''."""
    db.session.execute(delete(Recommendation).where(
        Recommendation.startup_id == org.id, Recommendation.state == RecommendationState.suggested))
    if org.state != OrgState.approved:
        db.session.commit()
        return "not_approved"
    doc = startup_doc(org)
    closed = _pairs_closed(startup_ids=[org.id])
    prints_s = {org.id: fingerprint(doc)}
    prints_c = {}
    for (cid, _sid) in closed:
        challenge = db.session.get_one(Challenge, cid)
        prints_c[cid] = fingerprint(challenge_doc(challenge))
    result = _matcher().score_startup(doc, k=TOP_K, exclude=_excluded(closed, prints_c, prints_s))
    for match in result.matches:
        cid = int(match.challenge_id)
        if cid not in prints_c:
            prints_c[cid] = fingerprint(challenge_doc(db.session.get_one(Challenge, cid)))
    _save(result.matches, prints_c, prints_s)
    db.session.commit()
    _replicate_all(startup_id=org.id)
    return result.reason


# --- 横展開: an adopted pilot recommends its solution to towns with similar challenges ----------

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


def refresh_replication(pilot: Pilot) -> int:
    """Suggest an adopted pilot's startup to other towns' open challenges that resemble it."""
    if pilot.stage != PilotStage.adopted or pilot.startup.state != OrgState.approved:
        return 0
    org = pilot.startup
    closed = _pairs_closed(startup_ids=[org.id])
    prints_s = {org.id: fingerprint(startup_doc(org))}
    prints_c = {cid: fingerprint(challenge_doc(db.session.get_one(Challenge, cid)))
                for cid, _sid in closed}
    result = _matcher().score_startup(replication_doc(pilot), k=TOP_K,
                                      exclude=_excluded(closed, prints_c, prints_s))
    home = pilot.challenge.organisation_id
    matches = []
    for match in result.matches:
        challenge = db.session.get_one(Challenge, int(match.challenge_id))
        if challenge.organisation_id != home:
            prints_c.setdefault(challenge.id, fingerprint(challenge_doc(challenge)))
            matches.append(match)
    stored = _save(matches, prints_c, prints_s, proven_pilot_id=pilot.id)
    db.session.commit()
    return stored


def _replicate_all(startup_id: int | None = None) -> None:
    query = select(Pilot).where(Pilot.stage == PilotStage.adopted)
    if startup_id is not None:
        query = query.where(Pilot.startup_id == startup_id)
    for pilot in db.session.scalars(query):
        refresh_replication(pilot)


def refresh_quietly(kind: str, obj) -> None:
    """Called after a save: a matcher failure must never lose the user's edit."""
    refreshers: dict[str, Callable[[Any], object]] = {
        "challenge": refresh_challenge, "startup": refresh_startup, "pilot": refresh_replication}
    refresh = refreshers[kind]
    try:
        refresh(obj)
    except Exception:  # noqa: BLE001 - logged; the next rebuild repairs the pairs
        db.session.rollback()
        current_app.logger.exception("Scoring %s %s failed", kind, getattr(obj, "id", "?"))


# --- full rebuild ------------------------------------------------------------------------------

def start_rebuild(actor: User | None) -> MatchingRun:
    """Record a queued rebuild and hand it to a background job; the run row shows progress."""
    if actor is not None and not actor.is_manager:
        raise PermissionDenied(_("Only the programme office can rebuild recommendations."))
    running = db.session.scalar(select(MatchingRun).where(
        MatchingRun.state.in_([JobState.queued, JobState.running])))
    if running is not None:
        raise DomainError(_("A rebuild is already running."))
    run = MatchingRun(state=JobState.queued, requested_by_id=actor.id if actor else None,
                      created_at=utcnow())
    db.session.add(run)
    db.session.commit()
    from govtech import jobs

    jobs.enqueue("govtech.services.recommendations.run_rebuild", run.id)
    return run


class _Progress:
    """Writes progress to the run row at most twice a second (the page polls it)."""

    def __init__(self, run_id: int, share: float):
        self.run_id, self.share, self.last = run_id, share, 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.5 and done < total:
            return
        self.last = now
        _set_run(self.run_id, done=int(1000 * self.share * done / max(total, 1)), total=1000)


def _set_run(run_id: int, **values) -> None:
    with db.engine.begin() as connection:  # outside the job's own transaction
        connection.execute(update(MatchingRun).where(MatchingRun.id == run_id)
                           .values(**values))


def run_rebuild(run_id: int) -> None:
    """The background job: fit on every open challenge and approved startup, store top-k."""
    _set_run(run_id, state=JobState.running, total=1000)
    try:
        challenges = list(db.session.scalars(_open_challenges()))
        startups = list(db.session.scalars(_approved_startups()))
        docs_c = {c.id: challenge_doc(c) for c in challenges}
        docs_s = {o.id: startup_doc(o) for o in startups}
        prints_c = {cid: fingerprint(d) for cid, d in docs_c.items()}
        prints_s = {sid: fingerprint(d) for sid, d in docs_s.items()}
        closed = _pairs_closed()
        result = matching.rebuild(list(docs_c.values()), list(docs_s.values()), k=TOP_K,
                                  exclude=_excluded(closed, prints_c, prints_s),
                                  progress=_Progress(run_id, 0.8))
        db.session.execute(delete(Recommendation).where(
            Recommendation.state == RecommendationState.suggested))
        stored = _save(result.pairs(), prints_c, prints_s)
        db.session.commit()
        forget_index()  # the next query in this process refits on what was just stored
        _replicate_all()
        _set_run(run_id, state=JobState.finished, done=1000, finished_at=utcnow(),
                 message=f"{stored} pairs, {len(docs_c)} challenges, {len(docs_s)} startups")
    except Exception as error:  # noqa: BLE001 - recorded on the run for the manager to see
        db.session.rollback()
        current_app.logger.exception("Rebuild %s failed", run_id)
        _set_run(run_id, state=JobState.failed, finished_at=utcnow(), message=str(error)[:500])


def latest_run() -> MatchingRun | None:
    return db.session.scalar(select(MatchingRun).order_by(MatchingRun.id.desc()).limit(1))


# --- reading and reviewing ---------------------------------------------------------------------

@dataclass
class Filters:
    q: str = ""
    category: str = ""
    prefecture: str = ""
    min_score: float | None = None
    state: str = "suggested"
    proven_only: bool = False


def visible_query(user: User, filters: Filters | None = None) -> Select[tuple[Recommendation]]:
    """Pairs this user may see, best first: own challenges', own startup's, or all (managers)."""
    filters = filters or Filters()
    query = (select(Recommendation).join(Recommendation.challenge)
             .join(Organisation, Organisation.id == Challenge.organisation_id)
             .where(Challenge.state == ChallengeState.open,
                    Organisation.state == OrgState.approved,
                    Recommendation.startup.has(Organisation.state == OrgState.approved))
             .options(joinedload(Recommendation.challenge).joinedload(Challenge.organisation),
                      joinedload(Recommendation.startup)))
    if not user.is_manager:
        if user.role == "municipality":
            query = query.where(Challenge.organisation_id == user.organisation_id)
        else:
            query = query.where(Recommendation.startup_id == user.organisation_id)
    if filters.state in RecommendationState.__members__:
        query = query.where(Recommendation.state == RecommendationState(filters.state))
    if filters.category in reference.CATEGORIES:
        query = query.where(Challenge.id.in_(search.matching_ids(
            "challenge", [search.facet("category", filters.category)])))
    if filters.prefecture in reference.PREFECTURES:
        query = query.where(Organisation.prefecture == filters.prefecture)
    if filters.min_score is not None:
        query = query.where(Recommendation.score >= filters.min_score)
    if filters.proven_only:
        query = query.where(Recommendation.proven_pilot_id.is_not(None))
    if filters.q.strip():
        like = f"%{filters.q.strip()}%"
        startup = select(Organisation.id).where(Organisation.name.ilike(like))
        query = query.where(Challenge.title.ilike(like) | Recommendation.startup_id.in_(startup))
    return query.order_by(Recommendation.score.desc(), Recommendation.id)


def for_challenge(user: User, challenge: Challenge) -> list[Recommendation]:
    return list(db.session.scalars(visible_query(user).where(
        Recommendation.challenge_id == challenge.id).limit(TOP_K)))


def for_startup(user: User, org: Organisation) -> list[Recommendation]:
    return list(db.session.scalars(visible_query(user).where(
        Recommendation.startup_id == org.id).limit(TOP_K)))


def explain(rec: Recommendation) -> dict:
    """What a person reads: shared words, shared categories, whether the region is served."""
    names = {ja: key for key, (ja, _label) in reference.CATEGORIES.items()}
    explanation: dict = {"terms": display_terms([t["term"] for t in rec.terms], rec.challenge),
                         "categories": [], "region": "", "proven": None}
    if rec.proven_pilot is not None:
        pilot = rec.proven_pilot
        explanation["proven"] = {"town": pilot.challenge.organisation.name,
                                 "challenge": pilot.challenge.title,
                                 "kpis": [{"name": k.name, "unit": k.unit, "baseline": k.baseline,
                                           "target": k.target, "actual": k.actual}
                                          for k in pilot.kpis]}
    for signal in rec.signals:
        if signal["name"] == "shared_categories":
            explanation["categories"] = [reference.category_label(names.get(v, v))
                                         for v in signal["value"]]
        elif signal["name"] == "region_served":
            explanation["region"] = reference.prefecture_name(rec.challenge.organisation.prefecture)
    return explanation


def display_terms(terms: list[str], challenge: Challenge) -> list[str]:
    """Terms as the challenge spells them: the matcher lower-cases English ("iot"), a person
    wrote IoT or MaaS. Japanese terms are already the readable normalised forms."""
    if all(not term.isascii() for term in terms):
        return terms
    text = unicodedata.normalize("NFKC", " ".join(
        [challenge.title, challenge.summary, challenge.description, *challenge.tags]))
    shown = []
    for term in terms:
        found = (re.search(rf"(?<![A-Za-z0-9]){re.escape(term)}", text, re.IGNORECASE)
                 if term.isascii() else None)
        shown.append(found.group() if found else term)
    return shown


def with_explanations(recs: Iterable[Recommendation]) -> list[dict]:
    """Each pair with its explanation, ready for a template."""
    return [{"rec": rec, "why": explain(rec)} for rec in recs]


def get_for(user: User, rec_id: int) -> Recommendation:
    rec = db.session.get(Recommendation, rec_id)
    if rec is None:
        raise NotFound(_("This recommendation does not exist."))
    if not (user.is_manager or user.organisation_id in (rec.startup_id,
                                                         rec.challenge.organisation_id)):
        raise NotFound(_("This recommendation does not exist."))
    return rec


def _close(actor: User, rec: Recommendation, target: RecommendationState, note: str) -> None:
    """Move a pair out of `suggested` with its history event; the caller commits."""
    workflow.check(workflow.RECOMMENDATION, rec.state, target)
    previous = rec.state
    rec.state = target
    if target != RecommendationState.introduced:
        rec.reason = note
    history.record("recommendation", rec.id, actor, previous, target, note)


def _commit() -> None:
    transaction.commit(_("Someone else reviewed this pair at the same moment."))


def dismiss(actor: User, rec: Recommendation, reason: str = "") -> None:
    """Either party (or a manager) hides a suggestion; it stays hidden until a text changes."""
    if not (actor.is_manager or actor.organisation_id in (rec.startup_id,
                                                           rec.challenge.organisation_id)):
        raise PermissionDenied(_("You can only dismiss your own recommendations."))
    _close(actor, rec, RecommendationState.dismissed, reason)
    _commit()


def _require_manager(actor: User) -> None:
    if not actor.is_manager:
        raise PermissionDenied(_("Only the programme office reviews recommendations."))


def introduce(actor: User, rec: Recommendation, note: str = "") -> Pilot:
    """The programme office introduces the pair: the pair's journey starts at 紹介."""
    from govtech.services import pilots

    _require_manager(actor)
    _close(actor, rec, RecommendationState.introduced, note)
    pilot = pilots.create_pending(actor, rec.challenge, rec.startup, PilotStage.introduced,
                                  note or _("Introduced from the recommendations"))
    _commit()
    parties = (notifications.members(rec.startup_id)
               + notifications.members(rec.challenge.organisation_id))
    notifications.notify(parties, "introduced", url=f"/pilots/{pilot.id}",
                         startup=rec.startup.name, town=rec.challenge.organisation.name,
                         challenge=rec.challenge.title)
    return pilot


def reject(actor: User, rec: Recommendation, reason: str) -> None:
    """Not a pair the programme office will introduce; the reason is kept and shown to managers."""
    _require_manager(actor)
    if not reason.strip():
        raise DomainError(_("Give a reason for rejecting this pair."), field="reason")
    _close(actor, rec, RecommendationState.rejected, reason.strip())
    _commit()


def set_note(actor: User, rec: Recommendation, note: str) -> None:
    """A private note of the programme office on a pair; parties never see it."""
    _require_manager(actor)
    rec.manager_note = note.strip()
    _commit()


def bulk(actor: User, rec_ids: Iterable[int], action: str, reason: str = ""
         ) -> tuple[int, list[str]]:
    """Introduce or reject several pairs; each one stands alone, so one refusal stops no other."""
    _require_manager(actor)
    if action not in ("introduce", "reject"):
        raise DomainError(_("Choose what to do with the selected pairs."))
    if action == "reject" and not reason.strip():
        raise DomainError(_("Give a reason for rejecting this pair."), field="reason")
    done, problems = 0, []
    for rec_id in rec_ids:
        rec = db.session.get(Recommendation, rec_id)
        if rec is None:
            continue
        try:
            introduce(actor, rec) if action == "introduce" else reject(actor, rec, reason)
        except DomainError as error:
            db.session.rollback()
            problems.append(f"{rec.challenge.title} × {rec.startup.name}: {error.message}")
        else:
            done += 1
    return done, problems
