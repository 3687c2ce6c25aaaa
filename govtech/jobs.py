"""Background jobs: RQ when REDIS_URL is set, a thread in this process otherwise.

Jobs are named by dotted path and receive plain arguments, so the same call works in both
modes; each runs inside an application context of its own. On RQ the queued function is
`govtech.worker.run_job`, named by a string too: the worker builds its own app, and nothing
that queues a job (the services) ever reaches the application factory.
"""
from __future__ import annotations

import importlib
import threading

from flask import Flask, current_app

QUEUE = "govtech"
_threads: list[threading.Thread] = []
WORKER_ENTRY = "govtech.worker.run_job"  # by name: importing it would import the factory


def call(path: str, args: tuple) -> None:
    """Run the job `path(*args)` in the current application context."""
    module, name = path.rsplit(".", 1)
    getattr(importlib.import_module(module), name)(*args)


def _run_in_thread(app: Flask, path: str, args: tuple) -> None:
    with app.app_context():
        call(path, args)


def enqueue(path: str, *args) -> threading.Thread | None:
    """Start `path(*args)` in the background; returns the thread when it runs in-process."""
    url = current_app.config.get("REDIS_URL")
    if url:
        from redis import Redis
        from rq import Queue

        # Redis down must answer within seconds (the caller marks the job failed), not hang
        connection = Redis.from_url(url, socket_connect_timeout=3, socket_timeout=5)
        Queue(QUEUE, connection=connection).enqueue(WORKER_ENTRY, path, *args, job_timeout=3600)
        return None
    # Without Redis: a thread of this process. A web request that starts it returns at once;
    # the command line waits for it (wait_for_threads).
    return in_thread(path, *args)


def in_thread(path: str, *args) -> threading.Thread:
    """Start `path(*args)` in a thread of this process whatever the queue: for work that needs
    what this process holds in memory (its fitted matcher)."""
    # current_app is a LocalProxy at runtime; Flask's stubs type it as the Flask app itself
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    thread = threading.Thread(target=_run_in_thread, daemon=False, args=(app, path, args))
    thread.start()
    _threads[:] = [t for t in _threads if t.is_alive()] + [thread]  # a web process lives long
    return thread


def wait_for_threads(timeout: float = 60) -> None:
    """Let in-process jobs finish (tests, and a command that must not exit mid-job)."""
    while _threads:
        _threads.pop().join(timeout)

