"""Why a page is slow: each page of the load mix, opened in this process with the test client
against DATABASE_URL, with its time, its SQL statement count and its slowest statements.

    DATABASE_URL=postgresql://…/govtech_load python -m tools.load_profile [--repeat 3] [--top 3]

It reads only (GET pages); it signs in one account per role as tools.load does (the password
from --password, LOAD_PASSWORD or the credentials file). No gevent here: a plain process.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from tools import load_plan


@contextmanager
def statements(engine) -> Iterator[list[tuple[float, str, Any]]]:
    """Every statement run meanwhile, with its duration in ms and its parameters."""
    found: list[tuple[float, str, Any]] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("started", []).append(time.perf_counter())

    def after(conn, cursor, statement, parameters, context, executemany):
        started = conn.info["started"].pop()
        found.append(((time.perf_counter() - started) * 1000, statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def explain(engine, statement: str, parameters: Any) -> None:
    """The statement's plan with real timings (PostgreSQL), indented under it."""
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement,
                                          parameters).all()
        connection.rollback()
    for (line,) in rows:
        print(f"{'':44}| {line}")
    print(f"{'':44}| {' '.join(statement.split())}")
    print(f"{'':44}| parameters: {parameters}")


def pages_for(role: str, account: load_plan.Account | None, plan: load_plan.Plan) -> list:
    """(name, path) of the load mix's pages for a role."""
    first = lambda ids: ids[0] if ids else None  # noqa: E731
    pages = {
        "public": [("front page", "/"), ("challenge list", "/challenges/"),
                   ("challenge search", f"/challenges/?q={plan.words[0]}"),
                   ("challenge", f"/challenges/{first(plan.open_challenges)}")],
        "municipality": [("home", "/home"), ("recommendations", "/recommendations/"),
                         ("proposals", "/proposals/"), ("pilot board", "/pilots/"),
                         ("dashboard", "/dashboard/"), ("marketing list", "/marketing/")],
        "startup": [("home", "/home"), ("recommendations", "/recommendations/"),
                    ("proposals", "/proposals/"), ("dashboard", "/dashboard/"),
                    ("challenge search", f"/challenges/?q={plan.words[0]}")],
        "manager": [("home", "/home"), ("review queue", "/recommendations/"),
                    ("organisation list", "/admin/organisations"), ("dashboard", "/dashboard/"),
                    ("pilot board", "/pilots/")],
    }[role]
    if account is not None:
        if pilot := first(account.pilots):
            pages.append(("pilot page", f"/pilots/{pilot}"))
        if challenge := first(account.challenges):
            pages += [("own challenge", f"/challenges/{challenge}"),
                      ("challenge's proposals", f"/challenges/{challenge}/proposals")]
        if proposal := first(account.proposals):
            pages.append(("proposal page", f"/proposals/{proposal}"))
        if activity := first(account.approvals):
            pages.append(("marketing activity", f"/marketing/{activity}"))
    return pages


def sign_in(app, client, plan: load_plan.Plan, account: load_plan.Account) -> None:
    answer = client.post("/login", data={"email": account.email, "password": plan.password})
    assert answer.status_code == 302, f"{account.email} could not log in"
    if "/login/code" in answer.headers["Location"]:
        code, wait = load_plan.totp_code(app, account.user_id)
        if code is None:
            time.sleep(wait)
            code, wait = load_plan.totp_code(app, account.user_id)
        assert client.post("/login/code", data={"code": code}).status_code == 302


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.load_profile")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--top", type=int, default=3)
    parser.add_argument("--password", default=os.environ.get("LOAD_PASSWORD"))
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--explain", default="", help="EXPLAIN ANALYZE the slowest statements "
                        "of the pages whose name contains this, e.g. 'manager: dashboard'")
    args = parser.parse_args(argv)
    from govtech import create_app
    from govtech.extensions import db

    app = create_app({"CONFIG_NAME": "development", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": args.database_url})
    plan = load_plan.build(app, args.password, {"municipality": 1, "startup": 1}, adopt=False)
    with app.app_context():
        engine = db.engine
    print(f"{'page':40} {'ms':>7} {'SQL':>5} {'SQL ms':>7}  slowest statements")
    for role in ("public", "municipality", "startup", "manager"):
        account = plan.accounts[role][0] if role != "public" else None
        client = app.test_client()
        if account is not None:
            sign_in(app, client, plan, account)
        for name, path in pages_for(role, account, plan):
            times: list[float] = []
            last: list[tuple[float, str, Any]] = []
            for _n in range(args.repeat):
                with statements(engine) as found:
                    started = time.perf_counter()
                    answer = client.get(path)
                    times.append((time.perf_counter() - started) * 1000)
                last = found
            found = last
            slow = sorted(found, key=lambda row: -row[0])[:args.top]
            print(f"{role + ': ' + name:40} {statistics.median(times):7.0f} {len(found):5} "
                  f"{sum(row[0] for row in found):7.0f}  status {answer.status_code}")
            for ms, statement, parameters in slow:
                print(f"{'':40} {ms:7.1f} ms  {' '.join(statement.split())[:150]}")
                if args.explain and args.explain in f"{role}: {name}":
                    explain(engine, statement, parameters)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
