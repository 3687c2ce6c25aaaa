"""The full rebuild: refit on every document in a background job, with progress to watch.

The job writes its progress to its MatchingRun row through a connection of its own, so the
page that polls it sees each step while the job's own transaction is still open.
"""
from __future__ import annotations

import time

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select, update

import matching
from govtech import jobs
from govtech.extensions import db
from govtech.models import JobState, MatchingRun, Recommendation, RecommendationState, User
from govtech.models.base import utcnow
from govtech.services import access, transaction
from govtech.services.errors import DomainError
from govtech.services.recommendations import store
from govtech.services.recommendations.documents import (
    approved_startups,
    challenge_doc,
    fingerprint,
    open_challenges,
    startup_doc,
)
from govtech.services.recommendations.index import forget_index, replicate_all

JOB = "govtech.services.recommendations.run_rebuild"


@transaction.unit_of_work()
def start_rebuild(actor: User | None) -> MatchingRun:
    """Record a queued rebuild and hand it to a background job once the row is stored; the
    run row shows progress. `actor` is None for the command line."""
    if actor is not None:
        access.require(access.manager(actor),
                       _("Only the programme office can rebuild recommendations."))
    running = db.session.scalar(select(MatchingRun).where(
        MatchingRun.state.in_([JobState.queued, JobState.running])))
    if running is not None:
        raise DomainError(_("A rebuild is already running."))
    run = MatchingRun(state=JobState.queued, requested_by_id=actor.id if actor else None,
                      created_at=utcnow())
    db.session.add(run)
    db.session.flush()
    run_id = run.id
    transaction.after_commit(lambda: _enqueue(run_id))
    return run


def _enqueue(run_id: int) -> None:
    """A run that could not be queued is marked failed, or it would block every later one."""
    try:
        jobs.enqueue(JOB, run_id)
    except Exception as error:
        _set_run(run_id, state=JobState.failed, finished_at=utcnow(), message=str(error)[:500])
        raise


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


@transaction.unit_of_work()
def _replace_pairs(run_id: int) -> str:
    """Fit on every open challenge and approved startup and store the top-k pairs in place of
    every suggested one, in one transaction; returns the run's summary."""
    challenges = list(db.session.scalars(open_challenges()))
    startups = list(db.session.scalars(approved_startups()))
    docs_c = {c.id: challenge_doc(c) for c in challenges}
    docs_s = {o.id: startup_doc(o) for o in startups}
    prints_c = {cid: fingerprint(d) for cid, d in docs_c.items()}
    prints_s = {sid: fingerprint(d) for sid, d in docs_s.items()}
    closed = store.pairs_closed()
    result = matching.rebuild(list(docs_c.values()), list(docs_s.values()), k=store.TOP_K,
                              exclude=store.excluded(closed, prints_c, prints_s),
                              progress=_Progress(run_id, 0.8))
    db.session.execute(delete(Recommendation).where(
        Recommendation.state == RecommendationState.suggested))
    stored = store.save(result.pairs(), prints_c, prints_s)
    return f"{stored} pairs, {len(docs_c)} challenges, {len(docs_s)} startups"


def run_rebuild(run_id: int) -> None:
    """The background job: replace the pairs, then the 横展開 pairs, and record the outcome
    on the run for the manager to see."""
    _set_run(run_id, state=JobState.running, total=1000)
    try:
        message = _replace_pairs(run_id)
        forget_index()  # the next query in this process refits on what was just stored
        replicate_all()
        _set_run(run_id, state=JobState.finished, done=1000, finished_at=utcnow(),
                 message=message)
    except Exception as error:  # noqa: BLE001 - recorded on the run for the manager to see
        current_app.logger.exception("Rebuild %s failed", run_id)
        _set_run(run_id, state=JobState.failed, finished_at=utcnow(), message=str(error)[:500])


def latest_run() -> MatchingRun | None:
    """The most recent rebuild, whatever its state."""
    return db.session.scalar(select(MatchingRun).order_by(MatchingRun.id.desc()).limit(1))
