"""The rebuild's generations: pages keep the previous set until the new one is swapped in,
closed pairs survive, refreshes meanwhile are kept, and a dead rebuild harms nothing."""
from __future__ import annotations

import os
import signal
import subprocess  # nosec B404 - runs this test's own Python on a fixed script
import sys
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from govtech import ROOT, jobs
from govtech.extensions import db
from govtech.models import (
    Challenge,
    HistoryEvent,
    MatchingRun,
    Recommendation,
    User,
)
from govtech.models.base import utcnow
from govtech.services import challenges, recommendations
from govtech.services.errors import DomainError
from govtech.services.recommendations import generations, rebuild, runs
from tests import factories
from tests.services.test_recommendations import CHILDCARE, DISASTER, SENSOR

pytestmark = pytest.mark.usefixtures("fresh_index")


@pytest.fixture
def programme(app):
    """Two towns' open challenges and two startups, scored on save (generation 0)."""
    town = factories.user(app, "municipality", prefecture="05")
    other = factories.user(app, "municipality", prefecture="13")
    sensor = factories.user(app, "startup")
    child = factories.user(app, "startup")
    factories.capability(app, sensor, **SENSOR)
    factories.capability(app, child, **CHILDCARE)
    river = factories.challenge(app, town, **DISASTER)
    nursery = factories.challenge(app, other, title="子育て世帯への健診案内",
                                  summary="子育て世帯に予防接種の案内を届けたい。",
                                  categories=["childcare"], tags=["子育て"])
    return town, sensor, child, river, nursery


def _queued(monkeypatch) -> int:
    """A queued run whose job is not started: the test runs it (`recommendations.run_rebuild`)."""
    with monkeypatch.context() as patch:
        patch.setattr(jobs, "enqueue", lambda *_args: None)
        return recommendations.start_rebuild(None).id


def _live() -> dict[tuple[int, int], tuple[int, str]]:
    """What readers see: (challenge, startup) → (row id, state)."""
    db.session.expire_all()
    rows = db.session.execute(select(Recommendation.challenge_id, Recommendation.startup_id,
                                     Recommendation.id, Recommendation.state)
                              .where(Recommendation.live())).all()
    pairs = {(c, s): (i, st.value) for c, s, i, st in rows}
    assert len(pairs) == len(rows), "a pair is shown twice"
    return pairs


def _run(run_id: int) -> MatchingRun:
    db.session.expire_all()
    return db.session.get_one(MatchingRun, run_id)


def test_pages_keep_the_previous_set_until_the_swap(app, ctx, programme, monkeypatch):
    _town, sensor, _child, river, _nursery = programme
    before = _live()
    assert (river, sensor.org_id) in before
    seen: dict = {}
    real_swap = generations.swap

    def check_then_swap(run_id, *args):
        seen["during"] = _live()
        seen["written"] = db.session.scalar(select(func.count()).where(
            Recommendation.generation == run_id))
        return real_swap(run_id, *args)

    monkeypatch.setattr(generations, "swap", check_then_swap)
    run_id = _queued(monkeypatch)
    recommendations.run_rebuild(run_id)
    assert seen["during"] == before  # the new generation is written but nobody sees it
    assert seen["written"] > 0
    run = _run(run_id)
    assert run.state == "finished", run.message
    after = _live()
    assert set(after) == set(before)
    assert all(row_id not in {i for i, _s in before.values()} for row_id, _st in after.values())
    assert set(db.session.scalars(select(Recommendation.generation))) == {run_id}
    assert run.pairs == len(after) and run.challenges == 2 and run.startups == 2
    assert {"loading", "fitting", "scoring", "writing", "swapping", "total"} <= set(
        run.stage_seconds)


def test_closed_pairs_and_notes_survive_a_rebuild(app, ctx, programme, monkeypatch):
    town, sensor, child, river, nursery = programme
    manager = db.session.get(User, factories.user(app, "manager").id)
    live = _live()
    dismissed_id = live[(river, sensor.org_id)][0]
    rec = db.session.get_one(Recommendation, dismissed_id)
    recommendations.set_note(manager, rec, "既に導入済みの町")
    recommendations.dismiss(db.session.get(User, town.id), rec, "既に導入済み")
    comeback_id = live[(nursery, child.org_id)][0]
    recommendations.reject(manager, db.session.get_one(Recommendation, comeback_id), "時期尚早")
    # the texts changed since it was rejected: the rebuild suggests it again, on the same row
    db.session.execute(update(Recommendation).where(Recommendation.id == comeback_id)
                       .values(startup_fingerprint="older text"))
    db.session.commit()
    history = db.session.scalar(select(func.count()).select_from(HistoryEvent))

    run_id = _queued(monkeypatch)
    recommendations.run_rebuild(run_id)
    assert _run(run_id).state == "finished"
    after = _live()
    assert after[(river, sensor.org_id)] == (dismissed_id, "dismissed")
    kept = db.session.get_one(Recommendation, dismissed_id)
    assert kept.manager_note == "既に導入済みの町" and kept.reason == "既に導入済み"
    assert after[(nursery, child.org_id)] == (comeback_id, "suggested")
    assert db.session.get_one(Recommendation, comeback_id).generation == run_id
    events = db.session.scalars(select(HistoryEvent).order_by(HistoryEvent.id)).all()
    assert len(events) == history + 1 and events[-1].note == "texts changed"


def test_a_pair_dismissed_during_the_rebuild_stays_out(app, ctx, programme, monkeypatch):
    town, sensor, _child, river, _nursery = programme
    real_swap = generations.swap

    def dismiss_then_swap(*args):
        rec = db.session.get_one(Recommendation, _live()[(river, sensor.org_id)][0])
        recommendations.dismiss(db.session.get(User, town.id), rec, "不要")
        return real_swap(*args)

    monkeypatch.setattr(generations, "swap", dismiss_then_swap)
    run_id = _queued(monkeypatch)
    recommendations.run_rebuild(run_id)
    assert _run(run_id).state == "finished"
    assert _live()[(river, sensor.org_id)][1] == "dismissed"


def test_a_refresh_during_the_rebuild_is_kept_once(app, ctx, programme, monkeypatch):
    """The swap carries the refreshed document's pairs over in place of the rebuild's."""
    town, sensor, child, river, _nursery = programme
    real_swap = generations.swap
    refreshed: dict = {}

    def edit_then_swap(*args):
        challenge = db.session.get_one(Challenge, river)
        challenges.update(db.session.get(User, town.id), challenge,
                          expected_version=challenge.version, title="子育て世帯への健診案内",
                          summary="予防接種の案内を子育て世帯に届けたい。",
                          description="母子手帳アプリで健診を知らせたい。", tags=["子育て"],
                          categories=["childcare"])
        refreshed.update({k: v for k, v in _live().items() if k[0] == river})
        return real_swap(*args)

    monkeypatch.setattr(generations, "swap", edit_then_swap)
    run_id = _queued(monkeypatch)
    recommendations.run_rebuild(run_id)
    assert _run(run_id).state == "finished"
    assert (river, child.org_id) in refreshed  # the edit's own refresh, in the old generation
    after = {k: v for k, v in _live().items() if k[0] == river}
    assert after == refreshed  # the same rows, now live in the new generation
    assert {db.session.get_one(Recommendation, i).generation for i, _s in after.values()} == {
        run_id}


def test_a_writer_failing_midway_leaves_the_previous_set(app, ctx, programme, monkeypatch):
    before = _live()
    real_batch = generations._write_batch
    calls = []

    def fail_on_second(chunk):
        calls.append(len(chunk))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        real_batch(chunk)

    monkeypatch.setattr(generations, "BATCH", 1)
    monkeypatch.setattr(generations, "_write_batch", fail_on_second)
    run_id = _queued(monkeypatch)
    recommendations.run_rebuild(run_id)
    run = _run(run_id)
    assert run.state == "failed" and "disk full" in run.message
    assert _live() == before
    assert not db.session.scalar(select(func.count()).where(
        Recommendation.generation == run_id))  # the half-written generation is gone


KILLED = """
import os, signal, sys
from govtech import create_app
from govtech.services import recommendations
from govtech.services.recommendations import generations

real = generations._write_batch
def write_then_die(chunk):
    real(chunk)  # committed: half of the new generation is in the table
    os.kill(os.getpid(), signal.SIGKILL)

generations.BATCH = 1
generations._write_batch = write_then_die
with create_app().app_context():
    recommendations.run_rebuild(int(sys.argv[1]))
"""


def test_a_worker_killed_mid_write_harms_nothing(app, ctx, programme, monkeypatch):
    """kill -9 during the write: the previous set is served, the dead run blocks a new
    rebuild only until its heartbeat is stale, and the half-written rows are deleted."""
    _town, sensor, _child, river, _nursery = programme
    before = _live()
    run_id = _queued(monkeypatch)
    db.session.remove()
    env = {**os.environ, "GOVTECH_CONFIG": "test",
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "PYTHONPATH": str(ROOT)}
    child = subprocess.run([sys.executable, "-c", KILLED, str(run_id)], env=env, cwd=ROOT,  # nosec B603
                           capture_output=True, timeout=300, check=False)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()[-2000:]
    assert _run(run_id).state == "running"
    assert db.session.scalar(select(func.count()).where(Recommendation.generation == run_id))
    assert _live() == before  # half a generation is written, nobody sees it

    with pytest.raises(DomainError):  # alive as far as anyone knows
        recommendations.start_rebuild(None)
    db.session.execute(update(MatchingRun).where(MatchingRun.id == run_id).values(
        heartbeat_at=utcnow() - runs.stale_after() - timedelta(seconds=1)))
    db.session.commit()
    next_id = _queued(monkeypatch)
    dead = _run(run_id)
    assert dead.state == "failed"
    assert recommendations.run_view(dead).outcome == str(runs.MESSAGES[runs.DEAD])
    recommendations.run_rebuild(next_id)
    assert _run(next_id).state == "finished"
    assert set(_live()) == set(before) and (river, sensor.org_id) in _live()
    assert not db.session.scalar(select(func.count()).where(
        Recommendation.generation == run_id))


def test_a_run_declared_dead_cannot_swap_later(app, ctx, programme, monkeypatch):
    before = _live()
    real_swap = generations.swap

    def declared_dead_meanwhile(run_id, *args):
        runs.set_run(run_id, state="failed", message=runs.DEAD)
        return real_swap(run_id, *args)

    monkeypatch.setattr(generations, "swap", declared_dead_meanwhile)
    run_id = _queued(monkeypatch)
    recommendations.run_rebuild(run_id)
    assert _run(run_id).swapped_at is None
    assert _live() == before


def test_a_dead_queued_run_is_not_run_by_a_late_worker(app, ctx, programme, monkeypatch):
    run_id = _queued(monkeypatch)
    runs.set_run(run_id, state="failed", message=runs.DEAD)
    recommendations.run_rebuild(run_id)
    assert _run(run_id).started_at is None


def test_redis_down_says_the_rebuild_cannot_run(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/5")  # nothing listens
    with pytest.raises(rebuild.CannotQueue) as refused:
        recommendations.start_rebuild(None)
    assert refused.value.message == "今は再計算を実行できません。ジョブキューに接続できません。" \
        "しばらくしてからもう一度試すか、システム管理者に連絡してください。"
    db.session.expire_all()
    assert recommendations.latest_run().state == "failed"
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    monkeypatch.setattr(jobs, "enqueue", lambda *_args: None)
    assert recommendations.start_rebuild(None).state == "queued"  # nothing blocks it


def test_redis_down_is_told_on_the_page_in_japanese(app, client, monkeypatch):
    factories.login(client, factories.user(app, "manager"))
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/5")
    page = client.post("/recommendations/rebuild", follow_redirects=True).get_data(as_text=True)
    assert "ジョブキュー" in page


def test_the_button_returns_while_the_job_runs(app, client, monkeypatch, programme):
    """Without Redis the job is a thread of the web process: the request does not wait."""
    release = threading.Event()
    real = rebuild._rebuild

    def held(*args):
        release.wait(60)
        return real(*args)

    monkeypatch.setattr(rebuild, "_rebuild", held)
    factories.login(client, factories.user(app, "manager"))
    try:
        assert client.post("/recommendations/rebuild").status_code == 302
        page = client.get("/recommendations/rebuild").get_data(as_text=True)
        assert 'http-equiv="refresh"' in page  # still running, so the page polls
    finally:
        release.set()
    jobs.wait_for_threads()
    with app.app_context():
        assert recommendations.latest_run().state == "finished"


def test_progress_view_tells_stage_percent_and_time_left(app, ctx, monkeypatch):
    run_id = _queued(monkeypatch)
    runs.set_run(run_id, state="running", stage="writing", done=800, total=1000,
                 started_at=utcnow() - timedelta(seconds=40))
    view = recommendations.run_view(_run(run_id))
    assert view.percent == 80 and view.active
    assert view.stage_label == "新しいおすすめを書き込み中"
    assert 5 <= view.seconds_left <= 15


def _adopted(app):
    """A pilot adopted in one town, its startup, and a similar challenge of another town."""
    from tests.services.test_replication import SIMILAR

    origin = factories.user(app, "municipality", prefecture="05")
    sensor = factories.user(app, "startup")
    factories.capability(app, sensor, **SENSOR)
    solved = factories.challenge(app, origin, **DISASTER)
    pilot_id = factories.pilot(app, factories.user(app, "manager"), solved, sensor.org_id)
    factories.move_pilot(app, origin, pilot_id, "adopted")
    return sensor, pilot_id, SIMILAR


def _proven(pilot_id: int) -> dict[tuple[int, int], int]:
    db.session.expire_all()
    return {(r.challenge_id, r.startup_id): r.generation for r in db.session.scalars(
        select(Recommendation).where(Recommendation.live(),
                                     Recommendation.proven_pilot_id == pilot_id))}


def test_the_rebuild_writes_the_proven_pairs_into_its_generation(app, ctx, monkeypatch):
    sensor, pilot_id, similar_text = _adopted(app)
    similar = factories.challenge(app, factories.user(app, "municipality", prefecture="17"),
                                  **similar_text)
    jobs.wait_for_threads()
    run_id = _queued(monkeypatch)
    recommendations.run_rebuild(run_id)
    assert _run(run_id).state == "finished"
    assert _proven(pilot_id) == {(similar, sensor.org_id): run_id}


def test_a_challenge_saved_after_an_adoption_gets_the_proven_solution(app, ctx):
    """Checked against every adopted pilot in a background thread, not in the save."""
    sensor, pilot_id, similar_text = _adopted(app)
    similar = factories.challenge(app, factories.user(app, "municipality", prefecture="17"),
                                  **similar_text)
    jobs.wait_for_threads()
    assert (similar, sensor.org_id) in _proven(pilot_id)


def test_a_save_does_not_wait_for_a_cold_index(app, ctx, monkeypatch):
    """Above MATCHER_REFIT_LIMIT the first save in a process fits the index in a thread;
    later saves are scored at once on the index it keeps."""
    monkeypatch.setitem(app.config, "MATCHER_REFIT_LIMIT", 0)
    town = factories.user(app, "municipality")
    sensor = factories.user(app, "startup")
    factories.capability(app, sensor, **SENSOR)
    jobs.wait_for_threads()
    recommendations.forget_index()
    started = []
    monkeypatch.setattr(jobs, "in_thread", lambda *args: started.append(args))
    cid = factories.challenge(app, town, **DISASTER)
    assert ("govtech.services.recommendations.index.refresh_later", "challenge", cid) in started
    assert (cid, sensor.org_id) not in _live()  # not scored in the save
    from govtech.services.recommendations import index

    index.refresh_later("challenge", cid)  # what the thread does
    assert (cid, sensor.org_id) in _live()
    started.clear()
    challenge = db.session.get_one(Challenge, cid)
    challenges.update(db.session.get(User, town.id), challenge,
                      expected_version=challenge.version, description="避難の判断を早めたい。")
    assert not [job for job in started if job[0].endswith("refresh_later")]  # warm: at once


def test_a_pilot_adopted_during_the_rebuild_keeps_its_proven_pairs(app, ctx, monkeypatch):
    from tests.services.test_replication import SIMILAR

    origin = factories.user(app, "municipality", prefecture="05")
    sensor = factories.user(app, "startup")
    factories.capability(app, sensor, **SENSOR)
    solved = factories.challenge(app, origin, **DISASTER)
    pilot_id = factories.pilot(app, factories.user(app, "manager"), solved, sensor.org_id)
    similar = factories.challenge(app, factories.user(app, "municipality", prefecture="17"),
                                  **SIMILAR)
    jobs.wait_for_threads()
    real_swap = generations.swap

    def adopt_then_swap(*args):
        factories.move_pilot(app, origin, pilot_id, "adopted")  # its 横展開 goes live at once
        assert (similar, sensor.org_id) in _proven(pilot_id)
        return real_swap(*args)

    monkeypatch.setattr(generations, "swap", adopt_then_swap)
    run_id = _queued(monkeypatch)
    recommendations.run_rebuild(run_id)
    assert _run(run_id).state == "finished"
    assert _proven(pilot_id) == {(similar, sensor.org_id): run_id}
