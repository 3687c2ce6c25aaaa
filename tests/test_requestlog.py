"""Structured request logs, X-Request-ID, and the health check (govtech.requestlog,
public.health)."""
from __future__ import annotations

import json
import logging

import pytest
from flask import Flask

from govtech import requestlog
from govtech.blueprints.public import views as public_views
from govtech.services import transaction


class Lines(logging.Handler):
    """The request log's lines, parsed."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(record.getMessage()))


@pytest.fixture
def request_log(app, monkeypatch):
    """The request log switched on for this test, its lines collected."""
    monkeypatch.setitem(app.config, "REQUEST_LOG", True)
    logger = logging.getLogger(requestlog.LOGGER)
    handler = Lines()
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    yield handler.lines
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_one_json_line_per_request_with_user_and_no_query_values(client, login_as, request_log):
    user = login_as("municipality")
    request_log.clear()
    response = client.get("/challenges/?q=ひみつの言葉&page=1", headers={"X-Request-ID": "abc-123"})
    assert response.status_code == 200
    assert len(request_log) == 1
    line = request_log[0]
    assert set(line) == {"time", "method", "path", "query", "endpoint", "status", "duration_ms",
                         "user", "request_id"}
    assert line["method"] == "GET" and line["path"] == "/challenges/"
    assert line["query"] == ["page", "q"] and "ひみつ" not in json.dumps(line, ensure_ascii=False)
    assert line["endpoint"] == "challenges.list_challenges" and line["status"] == 200
    assert line["duration_ms"] >= 0 and line["time"].endswith("Z")
    assert line["user"] == user.id and line["request_id"] == "abc-123"


def test_anonymous_refusals_are_logged_too(client, request_log):
    response = client.get("/dashboard/")
    assert response.status_code in (302, 401, 403)
    assert [(line["user"], line["status"]) for line in request_log] == [
        ("anonymous", response.status_code)]


def test_a_token_in_the_path_is_masked(client, request_log):
    client.get("/password/reset/SECRET-reset-token-value")
    assert request_log[0]["path"] == f"/password/reset/{requestlog.MASK}"
    assert "SECRET" not in json.dumps(request_log[0])


def test_off_by_default_in_tests(app, client):
    assert app.config["REQUEST_LOG"] is False
    logger = logging.getLogger(requestlog.LOGGER)
    handler = Lines()
    logger.addHandler(handler)
    try:
        client.get("/")
    finally:
        logger.removeHandler(handler)
    assert handler.lines == []


def test_on_in_production_unless_the_environment_says_otherwise(monkeypatch):
    app = Flask(__name__)
    app.config["CONFIG_NAME"] = "production"
    monkeypatch.delenv("REQUEST_LOG", raising=False)
    assert requestlog.enabled_by_default(app) is True
    monkeypatch.setenv("REQUEST_LOG", "0")
    assert requestlog.enabled_by_default(app) is False
    app.config["CONFIG_NAME"] = "development"
    monkeypatch.setenv("REQUEST_LOG", "1")
    assert requestlog.enabled_by_default(app) is True
    app.config["TESTING"] = True  # a test run is not switched on by the developer's shell
    assert requestlog.enabled_by_default(app) is False


def test_request_id_is_kept_when_sane_and_replaced_otherwise(client):
    generated = client.get("/health").headers["X-Request-ID"]
    assert len(generated) == 32 and int(generated, 16) >= 0
    assert client.get("/health").headers["X-Request-ID"] != generated
    kept = "7f0c2a1e-5b1d-4c1e-9a55-2f0e8d2c1b3a"
    assert client.get("/health", headers={"X-Request-ID": kept}).headers["X-Request-ID"] == kept
    for insane in ("a" * 129, "bad id with spaces", "<script>", "-starts-with-dash"):
        echoed = client.get("/health", headers={"X-Request-ID": insane}).headers["X-Request-ID"]
        assert echoed != insane and len(echoed) == 32


# --- the health check ---------------------------------------------------------------------------

def test_health_without_redis_reports_the_database(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    response = client.get("/health")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def test_health_reports_redis_when_configured(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:6379/15")
    monkeypatch.setattr(public_views, "redis_reachable", lambda url: True)
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "ok"}


def test_health_with_redis_down_is_degraded_but_serving(client, app, monkeypatch):
    """Nothing listens on port 1: a real refused connection, answered at once."""
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "degraded", "database": "ok", "redis": "unreachable"}


def test_health_with_the_database_down_is_503(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    monkeypatch.setattr(transaction, "database_reachable", lambda: False)
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unreachable"}
