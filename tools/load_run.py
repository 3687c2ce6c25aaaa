"""The load test's run: gunicorn in production config on 127.0.0.1, locust as a library, the
report. Started by `python -m tools.load` (which patches gevent first); see tools/load.py."""
from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess  # nosec B404 - starts gunicorn, a fixed command on this machine
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import gevent

if TYPE_CHECKING:
    from locust.env import Environment

ROOT = Path(__file__).resolve().parent.parent
LOCAL = "127.0.0.1"
DEFAULT_REDIS = "redis://127.0.0.1:6379/6"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tools.load",
        description="Load-test the application: gunicorn (production config) on 127.0.0.1 "
                    "against DATABASE_URL, driven by locust with users of every role.")
    parser.add_argument("--users", type=int, default=50, help="concurrent users (default 50)")
    parser.add_argument("--seconds", type=float, default=60, help="run time (per step)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--step", default="", help="user counts to run one after another, "
                        "e.g. 50,100,150,200; reports the highest whose p95 stays under 500 ms")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--think", default="0.5-1.5",
                        help="seconds each user waits between pages, min-max (default 0.5-1.5)")
    parser.add_argument("--password", default=os.environ.get("LOAD_PASSWORD"),
                        help="the accounts' password (else LOAD_PASSWORD, else the "
                             "credentials file `flask demo national` wrote in instance/)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or DEFAULT_REDIS)
    parser.add_argument("--bind", default=LOCAL, help="only 127.0.0.1 is accepted")
    parser.add_argument("--skip-adoption", action="store_true",
                        help="never move a pilot to adopted (that move re-scores the matcher)")
    args = parser.parse_args(argv)
    if args.bind != LOCAL:
        parser.error(f"refused: this tool sends traffic only to {LOCAL}, not {args.bind}")
    if not args.database_url:
        parser.error("DATABASE_URL (or --database-url) is required")
    if args.users < 1 or args.seconds <= 0 or args.spawn_rate <= 0 or args.workers < 1:
        parser.error("--users, --seconds, --spawn-rate and --workers must be positive")
    args.steps = [int(n) for n in args.step.split(",") if n.strip()] if args.step else []
    low, _sep, high = args.think.partition("-")
    args.think_range = (float(low), float(high or low))
    return args


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOCAL, 0))
        return probe.getsockname()[1]


def server_env(args: argparse.Namespace, port: int, instance: str) -> tuple[dict, dict]:
    """The environment gunicorn runs with, and what to print of it (the key is not shown).

    Production config refuses unsafe settings (`flask check-deploy`); for a local run:
    a fresh random SECRET_KEY; PUBLIC_BASE_URL and TRUSTED_HOSTS naming 127.0.0.1 (https: the
    load generator plays the TLS proxy, hence PROXY_FIX_HOPS=1 and X-Forwarded-Proto, and the
    Secure session cookie stays on); mail to files in a throwaway instance folder
    (MAIL_FILE_OUTBOX=1, there is no SMTP server here); REDIS_URL, required with several
    workers. Rate limits keep their defaults."""
    shown = {
        "GOVTECH_CONFIG": "production",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "PUBLIC_BASE_URL": f"https://{LOCAL}:{port}",
        "TRUSTED_HOSTS": LOCAL,
        "PROXY_FIX_HOPS": "1",
        "MAIL_FILE_OUTBOX": "1",
        "WEB_CONCURRENCY": str(args.workers),
        "GOVTECH_INSTANCE": instance,
        "SECRET_KEY": "(random, this run only)",  # nosec B105 - a label, not the key
    }
    env = {**os.environ, **shown, "SECRET_KEY": secrets.token_urlsafe(48)}
    return env, shown


def start_server(args: argparse.Namespace, port: int, env: dict, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "--workers", str(args.workers),
               "--bind", f"{LOCAL}:{port}", "--timeout", "120", "--graceful-timeout", "10",
               "run:app"]
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,  # nosec B603
                                stderr=subprocess.STDOUT, start_new_session=True)


def wait_healthy(url: str, server: subprocess.Popen, log: Path, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited ({server.returncode}):\n"
                             + log.read_text(errors="replace")[-3000:])
        try:
            with urllib.request.urlopen(url + "/health", timeout=5) as answer:  # nosec B310
                return json.loads(answer.read())
        except OSError:
            gevent.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer /health within {timeout:.0f} s:\n"
                     + log.read_text(errors="replace")[-3000:])


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)


def loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().strip()
    except OSError:
        return "n/a"


def measure(env: Environment, users: int, args: argparse.Namespace) -> tuple[dict, dict]:
    """Start `users` users and wait until each has signed in (its on_start is over), then
    measure args.seconds of steady traffic. Returns the sign-in phase and the steady window:
    logins are reported, but a burst of them (scrypt, on purpose slow) is not the steady
    load of `users` people working."""
    from tools import load_report, load_users

    runner = env.runner
    assert runner is not None
    runner.start(users, spawn_rate=args.spawn_rate)
    started = time.monotonic()
    while load_users.shared().started < users and time.monotonic() - started < 300:
        gevent.sleep(0.2)
    signing_in = load_report.summary(env.stats, users, time.monotonic() - started)
    env.stats.reset_all()
    started = time.monotonic()
    gevent.sleep(args.seconds)
    return signing_in, load_report.summary(env.stats, users, time.monotonic() - started)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)  # before the heavy imports: a refused option answers at once
    before = loadavg()
    from locust import between
    from locust.env import Environment

    from govtech import create_app
    from tools import load_plan, load_report, load_users
    from tools.load_roles import Manager, Municipality, Startup
    from tools.load_users import Anonymous, Visitor

    user_classes: list = [Anonymous, Municipality, Startup, Manager]

    app = create_app({"CONFIG_NAME": "development",
                      "SQLALCHEMY_DATABASE_URI": args.database_url})
    most = max([args.users, *args.steps])
    weights = {cls.role: int(cls.weight) for cls in user_classes if cls.role}
    plan = load_plan.build(app, args.password, load_plan.needed_accounts(most, weights),
                           adopt=not args.skip_adoption)
    with tempfile.TemporaryDirectory(prefix="govtech-load-") as instance:
        port = free_port()
        base = f"http://{LOCAL}:{port}"
        assert urlsplit(base).hostname == LOCAL
        env_vars, shown = server_env(args, port, instance)
        log = Path(instance) / "gunicorn.log"
        server = start_server(args, port, env_vars, log)
        try:
            health = wait_healthy(base, server, log)
            load_report.header(args, shown, health, plan, before)
            load_users.STATE = load_users.Shared(plan=plan, app=app,
                                                 public_url=shown["PUBLIC_BASE_URL"])
            Visitor.wait_time = between(*args.think_range)
            env = Environment(user_classes=user_classes, host=base)
            env.create_local_runner()
            results = []
            for users in args.steps or [args.users]:
                signing_in, steady = measure(env, users, args)
                load_report.sign_in_line(signing_in)
                results.append(steady)
                if args.steps:
                    load_report.step_line(results[-1])
            assert env.runner is not None
            env.runner.quit()
            after = loadavg()
        finally:
            stop_server(server)
        return load_report.finish(args, results, load_users.STATE.details, before, after, log)
