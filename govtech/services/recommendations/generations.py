"""Generations: a rebuild writes its pairs beside the live set, then swaps them in at once.

A rebuild's generation is its run's id; the live generation is that of the last run swapped
in (`MatchingRun.swapped_at`), or 0. Pages read `Recommendation.live()`: closed pairs
(introduced, rejected, dismissed) whatever their generation, suggested ones of the live
generation only. So a rebuild that dies half-way leaves the previous set in place, and its
half-written rows are invisible until `discard_unused` deletes them.

A refresh (one saved challenge or startup) writes into the live generation under a shared
lock; the swap takes it exclusively. A refresh that committed while the rebuild ran is carried
over at the swap: the suggested pairs of every document (and adopted pilot) changed since the
rebuild read its texts are moved from the live generation into the new one, in place of the
rebuild's (the rebuild "re-reads" them), and a refresh after the swap writes into the new one.
So no refresh is lost, and none is stored twice.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from itertools import islice

from flask import current_app
from sqlalchemy import and_, delete, exists, func, or_, select, text, union, update
from sqlalchemy.orm import aliased

import matching
from govtech.extensions import db
from govtech.models import (
    Capability,
    Challenge,
    JobState,
    MatchingRun,
    Organisation,
    OrgState,
    Pilot,
    PilotStage,
    Recommendation,
    RecommendationState,
)
from govtech.models.base import utcnow
from govtech.services import bulk, history, transaction, workflow
from govtech.services.recommendations.documents import (
    approved_startups,
    challenge_doc,
    fingerprint,
    open_challenges,
    startup_doc,
)
from govtech.services.recommendations.store import CLOSED

BATCH = 20_000  # rows per committed batch: progress between batches, bounded memory
_LOCK_KEY = 7_201_512  # PostgreSQL advisory lock shared by refreshes and the swap
SUGGESTED = RecommendationState.suggested

def live() -> int:
    """The generation pages show now."""
    return db.session.scalar(select(Recommendation.live_generation())) or 0


def lock(exclusive: bool = False) -> None:
    """Serialise refreshes (shared) with the swap (exclusive) until the transaction ends.

    On SQLite the single writer does it: a refresh's first statement is a write."""
    if db.session.get_bind().dialect.name == "postgresql":
        name = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        db.session.execute(text(f"SELECT {name}(:key)"), {"key": _LOCK_KEY})


def rows(pairs: Iterable[tuple[matching.Match, int | None]], prints_c: dict[int, str],
         prints_s: dict[int, str], generation: int) -> Iterator[dict]:
    """The matcher's pairs (each with the adopted pilot that proves it, or None) as plain rows
    of one generation, weak pairs left out."""
    floor = current_app.config["RECOMMENDATION_MIN_SCORE"]
    now = utcnow()
    for match, pilot_id in pairs:
        if match.score < floor:
            continue
        data = match.to_dict()
        cid, sid = int(match.challenge_id), int(match.startup_id)
        yield {"challenge_id": cid, "startup_id": sid, "score": data["score"],
               "text_score": data["text_score"], "terms": data["terms"],
               "signals": data["signals"], "related": data.get("related", []),
               "matcher_version": matching.MATCHER_VERSION, "state": SUGGESTED.value,
               "reason": "", "manager_note": "", "proven_pilot_id": pilot_id,
               "challenge_fingerprint": prints_c[cid], "startup_fingerprint": prints_s[sid],
               "version": 1, "generation": generation, "created_at": now, "updated_at": now}


def write(batches: Iterable[dict], progress: Callable[[int], None]) -> int:
    """Store the rows in committed batches (COPY on PostgreSQL, executemany elsewhere);
    `progress(rows so far)` runs between batches. Returns the number of rows."""
    it, written = iter(batches), 0
    while chunk := list(islice(it, BATCH)):
        _write_batch(chunk)
        written += len(chunk)
        progress(written)
    return written


@transaction.unit_of_work()
def _write_batch(chunk: list[dict]) -> None:
    bulk.write_rows(db.session.connection(), db.metadata.tables[Recommendation.__tablename__],
                    chunk)


def _changed_documents(since: datetime, prints_c: dict[int, str], prints_s: dict[int, str]
                       ) -> tuple[list[int], list[int]]:
    """Challenges and startups whose text now differs from what the rebuild read (saved since
    `since`; their refresh ran, or runs after the swap), or that joined or left meanwhile."""
    challenges = db.session.scalars(select(Challenge).where(Challenge.updated_at >= since))
    startup_ids = set(db.session.scalars(union(
        select(Organisation.id).where(Organisation.updated_at >= since),
        select(Capability.organisation_id).where(Capability.updated_at >= since))))
    taking_part = set(db.session.scalars(open_challenges().with_only_columns(Challenge.id)))
    changed_c = [c.id for c in challenges if prints_c.get(c.id) != (
        fingerprint(challenge_doc(c)) if c.id in taking_part else None)]
    current_s = {o.id: fingerprint(startup_doc(o)) for o in db.session.scalars(
        approved_startups().where(Organisation.id.in_(startup_ids)))} if startup_ids else {}
    changed_s = [sid for sid in startup_ids if prints_s.get(sid) != current_s.get(sid)]
    return changed_c, changed_s


def _changed_pilots(since: datetime, pilots: set[int]) -> list[int]:
    """Pilots adopted (or no longer) since the rebuild scored the adopted ones, `pilots`."""
    adopted = set(db.session.scalars(select(Pilot.id).join(
        Organisation, Organisation.id == Pilot.startup_id).where(
        Pilot.stage == PilotStage.adopted, Organisation.state == OrgState.approved,
        Pilot.updated_at >= since)))
    moved = db.session.scalars(select(Pilot.id).where(Pilot.updated_at >= since))
    return [pid for pid in moved if (pid in adopted) != (pid in pilots)]


@transaction.unit_of_work()
def swap(run_id: int, since: datetime, prints_c: dict[int, str], prints_s: dict[int, str],
         pilots: set[int]) -> bool:
    """Make generation `run_id` the live one, in one transaction; False when the run no longer
    owns the rebuild (declared dead meanwhile): then nothing changes. `prints_*` are the
    fingerprints of the texts the rebuild read, from `since` on, `pilots` the adopted pilots
    it scored."""
    owned = db.session.execute(update(MatchingRun).where(
        MatchingRun.id == run_id, MatchingRun.state == JobState.running,
        MatchingRun.swapped_at.is_(None)).values(swapped_at=utcnow()))
    if owned.rowcount != 1:  # type: ignore[attr-defined]
        return False
    lock(exclusive=True)
    old = db.session.scalar(select(func.coalesce(func.max(MatchingRun.id), 0)).where(
        MatchingRun.swapped_at.is_not(None), MatchingRun.id != run_id)) or 0
    _carry_over(old, run_id, *_changed_documents(since, prints_c, prints_s),
                _changed_pilots(since, pilots))
    _reconcile_closed(run_id)
    return True


def _carry_over(old: int, new: int, changed_c: list[int], changed_s: list[int],
                changed_p: list[int]) -> None:
    """Pairs refreshed while the rebuild ran (of a document saved, or a pilot adopted, since
    it read the texts) move from the old live set to the new one, replacing what the rebuild
    wrote for the same pairs and documents; they keep their ids."""
    twin = aliased(Recommendation)
    proven_twin = exists().where(
        twin.generation == old, twin.state == SUGGESTED, twin.proven_pilot_id.in_(changed_p),
        twin.challenge_id == Recommendation.challenge_id,
        twin.startup_id == Recommendation.startup_id)
    db.session.execute(delete(Recommendation).where(
        Recommendation.generation == new, Recommendation.state == SUGGESTED,
        or_(Recommendation.challenge_id.in_(changed_c), Recommendation.startup_id.in_(changed_s),
            proven_twin)).execution_options(synchronize_session=False))
    db.session.execute(update(Recommendation).where(
        Recommendation.generation == old, Recommendation.state == SUGGESTED,
        or_(Recommendation.proven_pilot_id.in_(changed_p),
            Recommendation.challenge_id.in_(changed_c),
            Recommendation.startup_id.in_(changed_s))).values(generation=new)
        .execution_options(synchronize_session=False))


def _reconcile_closed(new: int) -> None:
    """A new pair that was closed meanwhile stays out; one whose texts changed since it was
    closed comes back on the closed row (its history and note kept), as a refresh does."""
    closed = aliased(Recommendation)
    found = db.session.execute(
        select(Recommendation.id, closed.id).join(closed, and_(
            closed.challenge_id == Recommendation.challenge_id,
            closed.startup_id == Recommendation.startup_id, closed.state != SUGGESTED))
        .where(Recommendation.generation == new, Recommendation.state == SUGGESTED)).all()
    for new_id, closed_id in found:
        fresh = db.session.get_one(Recommendation, new_id)
        rec = db.session.get_one(Recommendation, closed_id)
        unchanged = (rec.challenge_fingerprint == fresh.challenge_fingerprint
                     and rec.startup_fingerprint == fresh.startup_fingerprint)
        values = {c: getattr(fresh, c) for c in ("score", "text_score", "terms", "signals",
                                                   "related", "matcher_version",
                                                   "challenge_fingerprint", "startup_fingerprint")}
        db.session.delete(fresh)
        db.session.flush()
        if rec.state not in CLOSED or unchanged:  # introduced, or closed on these very texts
            continue
        previous = rec.state
        workflow.check(workflow.RECOMMENDATION, previous, SUGGESTED)
        for name, value in values.items():
            setattr(rec, name, value)
        rec.state, rec.reason, rec.generation = SUGGESTED, "", new
        db.session.flush()
        history.record("recommendation", rec.id, None, previous, rec.state, "texts changed")


@transaction.unit_of_work()
def discard_unused(keep: int | None = None) -> int:
    """Delete suggested pairs of every generation but the live one (and `keep`, a rebuild
    still writing): the previous set after a swap, or what a dead rebuild left."""
    wanted = [Recommendation.live_generation()]
    if keep is not None:
        wanted.append(keep)  # type: ignore[arg-type]
    result = db.session.execute(delete(Recommendation).where(
        Recommendation.state == SUGGESTED, Recommendation.generation.not_in(wanted))
        .execution_options(synchronize_session=False))
    return result.rowcount or 0  # type: ignore[attr-defined]
