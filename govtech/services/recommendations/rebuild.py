"""The full rebuild: refit on every document in a background job, with progress to watch.

The job never runs inside a web request: with REDIS_URL it is queued for the RQ worker
(`flask matching worker`), otherwise it runs in a thread of the process that asked. It reads
every open challenge and approved startup, fits the matcher, writes the pairs in bulk as a new
generation (`generations`) and swaps it in at once: pages show the previous set until then,
and a job that dies leaves it in place. Its progress (stage, percent, time left) and outcome
go to its MatchingRun row (`runs`).
"""
from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

import matching
from govtech import jobs
from govtech.extensions import db
from govtech.models import JobState, MatchingRun, Pilot, User
from govtech.models.base import utcnow
from govtech.services import access, transaction
from govtech.services.errors import DomainError
from govtech.services.recommendations import generations, replication, runs, store
from govtech.services.recommendations.documents import (
    approved_startups,
    challenge_doc,
    fingerprint,
    open_challenges,
    startup_doc,
)
from govtech.services.recommendations.index import adopt, data_stamp

JOB = "govtech.services.recommendations.run_rebuild"
#: Documents saved this close before the texts were read are checked at the swap too (a save
#: committed just after the read; app hosts' clocks differing a little).
MARGIN = timedelta(seconds=60)


class CannotQueue(DomainError):
    """The job queue (Redis) is unreachable: the run is marked failed, nothing waits on it."""


class Superseded(RuntimeError):
    """The run was declared dead (no heartbeat) before its swap: its pairs are not used."""


def start_rebuild(actor: User | None) -> MatchingRun:
    """Record a queued rebuild, then hand it to a background job; the run row shows progress.
    `actor` is None for the command line. When the queue is unreachable the run is marked
    failed (it blocks no later one) and CannotQueue says so."""
    run = _record(actor)
    run_id = run.id
    _enqueue(run_id)
    return run


@transaction.unit_of_work()
def _record(actor: User | None) -> MatchingRun:
    if actor is not None:
        access.require(access.manager(actor),
                       _("Only the programme office can rebuild recommendations."))
    runs.reap_dead()
    running = db.session.scalar(select(MatchingRun).where(MatchingRun.state.in_(runs.ACTIVE)))
    if running is not None:
        raise DomainError(_("A rebuild is already running."))
    now = utcnow()
    run = MatchingRun(state=JobState.queued, stage="queued", requested_by_id=actor.id if actor
                      else None, created_at=now, heartbeat_at=now)
    db.session.add(run)
    db.session.flush()
    return run


def _enqueue(run_id: int) -> None:
    """A run that could not be queued is marked failed, or it would block every later one."""
    try:
        jobs.enqueue(JOB, run_id)
    except Exception as error:
        current_app.logger.warning("Rebuild %s could not be queued: %s", run_id, error)
        runs.set_run(run_id, state=JobState.failed, stage="", finished_at=utcnow(),
                     message=runs.QUEUE_DOWN)
        raise CannotQueue(str(runs.MESSAGES[runs.QUEUE_DOWN])) from error


def _claim(run_id: int) -> bool:
    """queued → running, unless the run was declared dead (or ran) meanwhile."""
    with db.engine.begin() as connection:
        result = connection.execute(update(MatchingRun).where(
            MatchingRun.id == run_id, MatchingRun.state == JobState.queued).values(
            state=JobState.running, started_at=utcnow(), heartbeat_at=utcnow()))
        return result.rowcount == 1


def run_rebuild(run_id: int) -> None:
    """The background job: write the new generation, swap it in, refresh the 横展開 pairs,
    and record the outcome on the run for the manager to see."""
    if not _claim(run_id):
        current_app.logger.warning("Rebuild %s is no longer queued; not run", run_id)
        return
    progress = runs.Progress(run_id)
    try:
        generations.discard_unused(keep=run_id)  # what a dead rebuild left
        outcome = _rebuild(run_id, progress)
        progress.enter("done")
        runs.set_run(run_id, state=JobState.finished, done=1000, finished_at=utcnow(),
                     stage_seconds={**progress.seconds, "total": progress.total_seconds()},
                     message=outcome)
    except Exception as error:  # noqa: BLE001 - recorded on the run for the manager to see
        current_app.logger.exception("Rebuild %s failed", run_id)
        transaction.abandon()
        runs.set_run(run_id, state=JobState.failed, finished_at=utcnow(),
                     stage_seconds={**progress.seconds, "total": progress.total_seconds()},
                     message=str(error)[:500] or type(error).__name__)
        try:
            generations.discard_unused()  # the half-written generation, unless it went live
        except Exception:  # noqa: BLE001 - the next rebuild deletes it
            current_app.logger.exception("Rebuild %s left rows behind", run_id)


def _rebuild(run_id: int, progress: runs.Progress) -> str:
    progress.enter("loading")
    since = utcnow() - MARGIN
    stamp = data_stamp()
    docs_c = {c.id: challenge_doc(c) for c in db.session.scalars(open_challenges())}
    docs_s = {o.id: startup_doc(o) for o in db.session.scalars(approved_startups())}
    prints_c = {cid: fingerprint(d) for cid, d in docs_c.items()}
    prints_s = {sid: fingerprint(d) for sid, d in docs_s.items()}
    exclude = store.excluded(store.pairs_closed(), prints_c, prints_s)
    transaction.abandon()  # end the read; nothing of the session is needed any more
    progress.enter("fitting", challenges=len(docs_c), startups=len(docs_s))
    matcher = matching.Matcher().fit(list(docs_c.values()), list(docs_s.values()),
                                     progress=progress.fit)
    if progress.stage == "fitting":
        progress.enter("scoring")
    result = matching.top_k_all(matcher, k=store.TOP_K, exclude=exclude)
    began = time.monotonic()
    pilots = set(db.session.scalars(replication.adopted_pilots().with_only_columns(Pilot.id)))
    proven = replication.proven_pairs(matcher, exclude, replication.towns_of_open_challenges(),
                                      workers=2)
    progress.seconds["of which 横展開"] = round(time.monotonic() - began, 2)
    transaction.abandon()
    expected = max(_total(result.by_challenge), _total(result.by_startup), 1)
    progress.enter("writing")
    pairs = generations.rows(_with_proven(result.pairs(), proven), prints_c, prints_s, run_id)
    written = generations.write(pairs, lambda n: progress.within(n / expected))
    progress.enter("swapping", pairs=written)
    if not generations.swap(run_id, since, prints_c, prints_s, pilots):
        raise Superseded(runs.SUPERSEDED)
    adopt(matcher, run_id, stamp)  # this process scores new documents on the new index
    generations.discard_unused()
    return f"{written} pairs, {len(docs_c)} challenges, {len(docs_s)} startups"


def _with_proven(pairs: Iterable[matching.Match], proven: replication.Proven
                 ) -> Iterator[tuple[matching.Match, int | None]]:
    """Every pair once: a pair an adopted pilot proves comes with its pilot (and that score)."""
    for match in pairs:
        key = (int(match.challenge_id), int(match.startup_id))
        pilot_id, better = proven.pop(key, (None, match))
        yield better, pilot_id
    for pilot_id, match in proven.values():
        yield match, pilot_id


def _total(lists) -> int:
    total = getattr(lists, "total", None)
    return total() if callable(total) else sum(len(v) for v in lists.values())
