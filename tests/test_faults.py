"""Faults the programme must ride out: Redis gone, PostgreSQL restarted.

The Redis case runs in a child process: the rate limiter is one object per process, and an app
bound to an unreachable Redis must not leave it bound there for the rest of the suite.
(A worker killed mid-rebuild is tested beside the rebuild, tests/services.)
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import create_engine, text

from tests import factories
from tests.conftest import TEST_DATABASE_URL

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

REDIS_DOWN = textwrap.dedent("""
    import json, logging, sys
    from govtech import create_app
    from govtech.extensions import db
    from govtech.services import accounts

    warnings = []

    class Catch(logging.Handler):
        def emit(self, record):
            if record.levelno >= logging.WARNING:
                warnings.append(record.getMessage())

    app = create_app({"CONFIG_NAME": "test", "SQLALCHEMY_DATABASE_URI": sys.argv[1],
                      "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0",  # nothing listens
                      "SERVER_NAME": "localhost", "MAIL_OUTBOX": sys.argv[2]})
    logging.getLogger().addHandler(Catch())
    app.logger.addHandler(Catch())
    with app.app_context():
        db.create_all()
    with app.test_request_context():
        accounts.create_manager("office@example.jp", "Office", "correct-horse-battery-9")
    client = app.test_client()
    statuses = {"home": client.get("/").status_code,
                "challenges": client.get("/challenges/").status_code}
    tries = [client.post("/login", data={"email": "office@example.jp",
                                         "password": "wrong-guess-000"}).status_code
             for _ in range(7)]
    print(json.dumps({"statuses": statuses, "tries": tries, "warnings": warnings}))
""")


def test_redis_down_pages_serve_and_limits_fall_back_to_memory(tmp_path):
    env = {**os.environ, "GOVTECH_INSTANCE": str(tmp_path), "REDIS_URL": ""}
    result = subprocess.run(
        [sys.executable, "-c", REDIS_DOWN, f"sqlite:///{tmp_path}/faults.sqlite3",
         str(tmp_path / "outbox")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["statuses"] == {"home": 200, "challenges": 200}
    # the per-account limit (5 per 15 minutes) still refuses the sixth try, from memory
    assert report["tries"][:5] == [401] * 5  # wrong password, said plainly
    assert report["tries"][5:] == [429, 429]
    assert any("falling back to in-memory" in line for line in report["warnings"])


@pytest.mark.skipif(not TEST_DATABASE_URL or not TEST_DATABASE_URL.startswith("postgres"),
                    reason="PostgreSQL only: SQLite has no server to restart")
def test_requests_succeed_after_postgresql_drops_every_connection(app, client):
    """What a restart does to the pool: every open connection dies. Pre-ping replaces them."""
    user = factories.user(app, "municipality")
    factories.login(client, user)
    assert client.get("/challenges/").status_code == 200
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    killer = create_engine(url, poolclass=None)
    with killer.connect() as connection:
        killed = connection.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    killer.dispose()
    assert killed >= 1  # the app's pooled connection was among them
    assert client.get("/challenges/").status_code == 200
    assert client.get("/").status_code == 200
