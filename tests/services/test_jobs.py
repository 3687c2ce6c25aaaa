"""Background jobs: the same rebuild runs on an RQ worker when REDIS_URL is set."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from govtech import jobs
from govtech.extensions import db
from govtech.models import MatchingRun, Recommendation, User
from govtech.services import recommendations
from tests import factories
from tests.services.test_recommendations import DISASTER, SENSOR

REDIS_URL = "redis://127.0.0.1:6379/5"


def _redis():
    from redis import Redis

    connection = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except Exception as error:  # noqa: BLE001 - any failure means no Redis here
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {error}")
    return connection


def test_rebuild_runs_on_an_rq_worker(app, ctx, monkeypatch):
    """With REDIS_URL the job goes to RQ; a worker builds its own app and does the work."""
    from rq import Queue, SimpleWorker

    connection = _redis()
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    monkeypatch.setattr(jobs, "QUEUE", f"govtech-test-{uuid.uuid4().hex[:8]}")
    monkeypatch.setenv("GOVTECH_CONFIG", "test")
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    town = factories.user(app, "municipality")
    sensor = factories.user(app, "startup")
    factories.capability(app, sensor, **SENSOR)
    cid = factories.challenge(app, town, **DISASTER)
    db.session.execute(Recommendation.__table__.delete())
    db.session.commit()
    manager = db.session.get(User, factories.user(app, "manager").id)

    run = recommendations.start_rebuild(manager)
    queue = Queue(jobs.QUEUE, connection=connection)
    assert queue.count == 1  # nothing ran in this process
    SimpleWorker([queue], connection=connection).work(burst=True)

    db.session.expire_all()
    run = db.session.get(MatchingRun, run.id)
    assert run.state == "finished", run.message
    assert db.session.scalar(select(Recommendation.id).filter_by(challenge_id=cid,
                                                                 startup_id=sensor.org_id))
    queue.delete(delete_jobs=True)
