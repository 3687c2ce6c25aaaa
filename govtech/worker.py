"""The RQ side of background jobs: a worker process builds its own app and runs each job in it.

Only this module imports the application factory, so the services that queue jobs (through
`govtech.jobs`) never depend on it; RQ finds `run_job` by its dotted name.
"""
from __future__ import annotations

from flask import current_app

from govtech import create_app, jobs


def run_job(path: str, *args) -> None:
    """Entry point on an RQ worker: build the app, then run the job `path(*args)` inside it."""
    with create_app().app_context():
        jobs.call(path, args)


def work() -> None:
    """Run an RQ worker for this app's queue (`flask matching worker`)."""
    from redis import Redis
    from rq import Queue, Worker

    connection = Redis.from_url(current_app.config["REDIS_URL"])
    Worker([Queue(jobs.QUEUE, connection=connection)], connection=connection).work()
