"""The load tool (tools/load.py) runs end to end: gunicorn in production config on a small
demo database, locust users of every role, and a JSON line of the documented shape.

It runs as a subprocess, as `make load` does: locust monkey-patches the process with gevent,
which must never happen to the test suite itself. SQLite (a temporary file) keeps it
self-contained; the figures themselves are not asserted (timings belong to `make load`).
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-tool-test-password"  # noqa: S105 - a throwaway demo database's password
KEYS = ["users", "seconds", "requests", "errors", "rps", "p50_ms", "p95_ms", "p99_ms", "pages"]
MISSING = [name for name in ("locust", "gevent", "gunicorn")
           if importlib.util.find_spec(name) is None]

SEED = """
from govtech import create_app
from govtech.demo import load
from govtech.extensions import db
app = create_app({"CONFIG_NAME": "development"})
with app.app_context():
    db.create_all()
    load(password=%r)
"""


@pytest.mark.skipif(bool(MISSING), reason=f"the load tool cannot start without {MISSING} "
                                          "(pip install -r requirements.txt)")
def test_load_tool_runs_every_role_without_errors(tmp_path):
    env = {**os.environ, "GOVTECH_INSTANCE": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path}/load.sqlite3", "PYTHONPATH": str(ROOT)}
    env.pop("GOVTECH_CONFIG", None)
    seeded = subprocess.run([sys.executable, "-c", SEED % PASSWORD], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert seeded.returncode == 0, seeded.stderr[-2000:]
    run = subprocess.run(
        [sys.executable, "-m", "tools.load", "--users", "10", "--seconds", "6",
         "--spawn-rate", "10", "--workers", "2", "--think", "0.2-0.5", "--json",
         "--password", PASSWORD],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]
    lines = run.stdout.strip().splitlines()
    result = json.loads(lines[-1])
    assert list(result) == KEYS
    assert result["users"] == 10 and result["requests"] > 0
    assert result["errors"] == 0, run.stdout[-3000:]
    assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["p99_ms"]
    assert result["pages"] and all(
        set(page) == {"requests", "errors", "p50_ms", "p95_ms", "p99_ms"}
        for page in result["pages"].values())
    # every role signed in (the manager with its two-step code) before the measured window
    assert "sign-in phase: 10 users started" in run.stdout and ", 0 errors; then" in run.stdout
    roles = {name.split(":")[0] for name in result["pages"]}
    assert roles == {"public", "municipality", "startup", "manager"}
    assert "Load average before:" in run.stdout and "Load average after:" in run.stdout
    assert "gevent" not in sys.modules  # the suite itself was never monkey-patched


def test_load_tool_refuses_another_host():
    run = subprocess.run([sys.executable, "-m", "tools.load", "--bind", "10.0.0.1"], cwd=ROOT,
                         env={**os.environ, "DATABASE_URL": "sqlite://"}, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 2 and "refused" in run.stderr
