"""Structured request logs and request ids, for operations behind a proxy.

With REQUEST_LOG on (the default in production, off elsewhere; the environment variable
REQUEST_LOG=1/0 decides otherwise), every request writes one JSON line to the
`govtech.request` logger (stderr, so gunicorn's error log): time, method, path, endpoint,
status, duration_ms, user (an id, or "anonymous") and request_id. The path is logged without
its query string (only the parameter names), and a token carried in the path itself (reset,
invitation and confirmation links) is masked: a log must not hold what opens an account.

Every response carries `X-Request-ID`: the proxy's own id when it sent a sane one, so a line in
the proxy's log and one here can be matched, else a new random id.
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, request
from sqlalchemy import inspect

HEADER = "X-Request-ID"
LOGGER = "govtech.request"
# What a proxy's id may look like (nginx's $request_id, a UUID, a trace id); anything else is
# replaced, so a header cannot put arbitrary text into the logs.
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
MASK = "…"


def enabled_by_default(app: Flask) -> bool:
    """On in production, off in development and tests, unless REQUEST_LOG says otherwise."""
    value = os.environ.get("REQUEST_LOG")
    if value is not None and not app.config.get("TESTING"):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return app.config.get("CONFIG_NAME") == "production"


def request_id() -> str:
    """This request's id (the proxy's when sane, else a new one), fixed for the request."""
    if "request_id" not in g:
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if _SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
    return g.request_id


def logged_path() -> str:
    """The path, with any token in it masked; the query string is left out."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if "token" in name and isinstance(value, str) and value:
            path = path.replace(value, MASK)
    return path


def _user_id() -> int | str:
    """The signed-in user's id as Flask-Login found it, read without a query (the record may
    be expired after a commit): "anonymous" otherwise."""
    user = g.get("_login_user")
    state = inspect(user, raiseerr=False) if user is not None else None
    if state is not None and state.identity and getattr(user, "is_authenticated", False):
        return state.identity[0]
    return "anonymous"


def record(response: Response) -> dict:
    """The log line's fields for this request and its response."""
    started = g.get("request_started")
    duration = (time.perf_counter() - started) * 1000 if started is not None else None
    return {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "method": request.method,
        "path": logged_path(),
        "query": sorted(request.args.keys()),
        "endpoint": request.endpoint,
        "status": response.status_code,
        "duration_ms": round(duration, 1) if duration is not None else None,
        "user": _user_id(),
        "request_id": request_id(),
    }


def _configure_logger(logger: logging.Logger) -> None:
    """One handler to stderr writing the bare JSON line; not passed on to the root logger."""
    if not any(getattr(h, "_govtech_request", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler._govtech_request = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def init_app(app: Flask) -> None:
    """Register before the blueprints: the clock starts before any other hook, and the line is
    written after every other after_request hook (they run in reverse order)."""
    app.config.setdefault("REQUEST_LOG", enabled_by_default(app))
    logger = logging.getLogger(LOGGER)
    if app.config["REQUEST_LOG"]:
        _configure_logger(logger)

    @app.before_request
    def start_clock() -> None:
        g.request_started = time.perf_counter()
        request_id()

    @app.after_request
    def finish(response: Response) -> Response:
        response.headers[HEADER] = request_id()
        if app.config["REQUEST_LOG"]:
            logger.info(json.dumps(record(response), ensure_ascii=False,
                                   separators=(",", ":")))
        return response
