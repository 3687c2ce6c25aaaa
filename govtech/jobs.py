"""Background jobs: RQ when REDIS_URL is set, a thread in this process otherwise.

Jobs are named by dotted path and receive plain arguments, so the same call works in both
modes; each runs inside an application context of its own.
"""
from __future__ import annotations

import importlib
import threading

from flask import Flask, current_app

QUEUE = "govtech"
_threads: list[threading.Thread] = []


def _call(path: str, args: tuple) -> None:
    module, name = path.rsplit(".", 1)
    getattr(importlib.import_module(module), name)(*args)


def run_job(path: str, *args) -> None:
    """Entry point on an RQ worker: build the app, then run the job inside it."""
    from govtech import create_app

    with create_app().app_context():
        _call(path, args)


def _run_in_thread(app: Flask, path: str, args: tuple) -> None:
    with app.app_context():
        _call(path, args)


def enqueue(path: str, *args) -> threading.Thread | None:
    """Start `path(*args)` in the background; returns the thread when it runs in-process."""
    url = current_app.config.get("REDIS_URL")
    if url:
        from redis import Redis
        from rq import Queue

        Queue(QUEUE, connection=Redis.from_url(url)).enqueue(
            run_job, path, *args, job_timeout=3600)
        return None
    # current_app is a LocalProxy at runtime; Flask's stubs type it as the Flask app itself
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    thread = threading.Thread(target=_run_in_thread, daemon=False, args=(app, path, args))
    thread.start()
    _threads.append(thread)
    return thread


def wait_for_threads(timeout: float = 60) -> None:
    """Let in-process jobs finish (tests, and a command that must not exit mid-job)."""
    while _threads:
        _threads.pop().join(timeout)


def work() -> None:
    """Run an RQ worker for this app's queue (`flask matching worker`)."""
    from redis import Redis
    from rq import Queue, Worker

    connection = Redis.from_url(current_app.config["REDIS_URL"])
    Worker([Queue(QUEUE, connection=connection)], connection=connection).work()
