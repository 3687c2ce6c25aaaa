"""Rebuild runs: the MatchingRun row a job writes its progress to, and what a page shows of it.

Progress is written through a connection of its own (outside the job's transactions), so the
page and the command line that poll it see each step at once. Every write is also the run's
heartbeat: a queued or running run not touched for REBUILD_STALE_MINUTES is dead (its worker
was killed) and no longer blocks a new rebuild.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from govtech.extensions import db
from govtech.models import JobState, MatchingRun
from govtech.models.base import utcnow

#: Stages in order, with the share of the whole run each ends at (percent) and its label.
STAGES: dict[str, tuple[int, object]] = {
    "queued": (0, _l("Waiting for a worker")),
    "loading": (5, _l("Loading texts")),
    "fitting": (60, _l("Fitting the matcher")),
    "scoring": (70, _l("Scoring pairs")),
    "writing": (95, _l("Writing the new set")),
    "swapping": (100, _l("Swapping it in")),
    "done": (100, _l("Done")),
}
ACTIVE = (JobState.queued, JobState.running)
#: Outcomes stored by key and translated when shown (the reader's language, not the job's).
QUEUE_DOWN, DEAD, SUPERSEDED = "queue_unreachable", "no_heartbeat", "superseded"
MESSAGES: dict[str, object] = {
    QUEUE_DOWN: _l("The rebuild cannot run now: the job queue is unreachable. Try again "
                   "later, or tell the system administrator."),
    DEAD: _l("The rebuild stopped without finishing (its worker was stopped); the previous "
             "recommendations are still shown."),
    SUPERSEDED: _l("This rebuild was given up for dead before it finished; its pairs were "
                   "not used."),
}


def set_run(run_id: int, **values) -> None:
    """Write to the run row at once, outside any transaction of the job; touches its heartbeat."""
    with db.engine.begin() as connection:
        connection.execute(update(MatchingRun).where(MatchingRun.id == run_id)
                           .values(heartbeat_at=utcnow(), **values))


def stale_after() -> timedelta:
    return timedelta(minutes=current_app.config["REBUILD_STALE_MINUTES"])


def reap_dead() -> int:
    """Mark failed every queued or running run whose heartbeat stopped (a killed worker, a job
    no worker picked up); returns how many. A run already swapped in is never touched."""
    with db.engine.begin() as connection:
        result = connection.execute(update(MatchingRun).where(
            MatchingRun.state.in_(ACTIVE), MatchingRun.swapped_at.is_(None),
            func.coalesce(MatchingRun.heartbeat_at, MatchingRun.created_at)
            < utcnow() - stale_after()).values(
            state=JobState.failed, stage="", finished_at=utcnow(),
            message=DEAD))
        return result.rowcount or 0


class Progress:
    """A job's progress: the stage, the share done within it, the time each stage took.

    Writes at most twice a second, plus at every change of stage."""

    def __init__(self, run_id: int):
        self.run_id, self.stage, self.last = run_id, "", 0.0
        self.started = self.stage_started = time.monotonic()
        self.seconds: dict[str, float] = {}

    def enter(self, stage: str, **values) -> None:
        now = time.monotonic()
        if self.stage:
            self.seconds[self.stage] = round(now - self.stage_started, 2)
        self.stage, self.stage_started, self.last = stage, now, now
        start = _start_of(stage)
        set_run(self.run_id, stage=stage, done=10 * start, total=1000,
                stage_seconds=dict(self.seconds), **values)

    def within(self, share: float) -> None:
        """`share` (0..1) of the current stage is done."""
        now = time.monotonic()
        if now - self.last < 0.5:
            return
        self.last = now
        start, end = _start_of(self.stage), STAGES[self.stage][0]
        done = int(10 * (start + (end - start) * min(max(share, 0.0), 1.0)))
        set_run(self.run_id, done=done, total=1000)

    def fit(self, done: int, total: int) -> None:
        """The matcher's fit progress; scoring starts once the all-pairs products are done."""
        if done >= total and self.stage == "fitting":
            self.enter("scoring")
        elif self.stage == "fitting":
            self.within(done / max(total, 1))

    def total_seconds(self) -> float:
        return round(time.monotonic() - self.started, 2)


def _start_of(stage: str) -> int:
    names = list(STAGES)
    index = names.index(stage)
    return STAGES[names[index - 1]][0] if index > 0 else 0


@dataclass(frozen=True)
class View:
    """What the rebuild page and the command line show of a run."""

    run: MatchingRun
    percent: int
    stage_label: str
    seconds_left: int | None
    active: bool
    outcome: str
    stage_seconds: list[tuple[str, float]]  # (label, seconds), the whole run last


def view(run: MatchingRun) -> View:
    percent = int(100 * run.done / run.total) if run.total else 0
    if run.state == JobState.finished:
        percent = 100
    active = run.state in ACTIVE
    left = None
    if active and run.started_at is not None and 3 <= percent < 100:
        started = run.started_at if run.started_at.tzinfo else run.started_at.replace(
            tzinfo=utcnow().tzinfo)
        elapsed = (utcnow() - started).total_seconds()
        left = max(1, int(elapsed * (100 - percent) / percent))
    stage = run.stage if run.stage in STAGES else ("queued" if active else "")
    return View(run=run, percent=percent, stage_label=str(STAGES[stage][1]) if stage else "",
                seconds_left=left, active=active, outcome=_outcome(run),
                stage_seconds=_stage_seconds(run.stage_seconds or {}))


def _stage_seconds(seconds: dict) -> list[tuple[str, float]]:
    rows = [(str(label), seconds[key]) for key, (_end, label) in STAGES.items()
            if key in seconds]
    if "total" in seconds:
        rows.append((_("Whole rebuild"), seconds["total"]))
    return rows


def _outcome(run: MatchingRun) -> str:
    if run.message in MESSAGES:
        return str(MESSAGES[run.message])
    if run.state == JobState.finished:
        return _("%(pairs)d pairs for %(challenges)d challenges and %(startups)d startups, "
                 "in %(seconds)s seconds.", pairs=run.pairs, challenges=run.challenges,
                 startups=run.startups, seconds=(run.stage_seconds or {}).get("total", "?"))
    return run.message


def latest_run() -> MatchingRun | None:
    """The most recent rebuild, whatever its state."""
    return db.session.scalar(select(MatchingRun).order_by(MatchingRun.id.desc()).limit(1))
