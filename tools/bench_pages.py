"""Page benchmark: every GET page of every role, through the Flask test client, on DATABASE_URL.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/govtech_national \\
        python -m tools.bench_pages [--repeat 5] [--top 15]

For the public, a manager, the busiest municipality and the busiest startup, each page (with
URL ids of records of that user's own organisation) is fetched once to warm up and then
`--repeat` times; prints the median and slowest time in milliseconds, the status and the SQL
statements per page, slowest first, and the load average before and after.

Nothing is written: connections are read-only (tools.bench_readonly), and the sign-in is a
stand-in: the cookie names the user and the session lookup is replaced for this process only
(a real sign-in would write a session record and audit events). Pages that write on every GET
(the CSV exports record themselves in the audit log) are left out, and so are links with
tokens and file downloads.
"""
from __future__ import annotations

import argparse
import statistics
import time

from flask import Flask, url_for
from sqlalchemy import event, or_, select

from govtech.blueprints.auth import cookie
from govtech.extensions import db
from govtech.models import (
    Capability,
    Challenge,
    MarketingActivity,
    MarketingState,
    Milestone,
    Notification,
    Pilot,
    PilotKPI,
    Proposal,
    Recommendation,
    User,
)
from govtech.services import sessions, two_step
from tools.bench_readonly import app_on_database_url, load_average, people

SKIP = {
    "static", "public.set_language", "dashboard.export", "admin.audit_export",  # write or no page
    "proposals.download_attachment", "proposals.download_version_attachment",  # stored files
    "auth.reset_password", "auth.accept_invitation", "auth.confirm_email", "auth.login_code",
    "auth.download_data",
}


def _stand_in_sign_in() -> None:
    """The cookie's user id is taken as signed in, without a session record (read-only)."""
    def resume(user_id: str, token: str | None) -> sessions.Resumed:
        return sessions.Resumed(db.session.get(User, int(user_id)))

    sessions.resume = resume  # type: ignore[assignment]
    sessions.settle = lambda found: None  # type: ignore[assignment]
    two_step.must_enrol = lambda user: False  # type: ignore[assignment]


def _first(query) -> int | None:
    return db.session.scalar(query.limit(1))


def sample_ids(user: User | None) -> dict[str, int | None]:
    """Ids for the URLs: records of the user's own organisation where it has one."""
    org_id = user.organisation_id if user is not None else None
    own_pilot = Pilot.id.in_(select(Pilot.id).join(Pilot.challenge).where(
        or_(Challenge.organisation_id == org_id, Pilot.startup_id == org_id)))
    pilot_filter = own_pilot if org_id else Pilot.id.is_not(None)
    pilot_id = _first(select(Pilot.id).where(pilot_filter).order_by(Pilot.id))
    challenge_id = _first(select(Pilot.challenge_id).where(Pilot.id == pilot_id))
    proposal_id = _first(select(Proposal.id).where(Proposal.challenge_id == challenge_id)
                         .order_by(Proposal.id))
    startup_id = _first(select(Pilot.startup_id).where(Pilot.id == pilot_id))
    return {
        "pilot_id": pilot_id, "challenge_id": challenge_id, "proposal_id": proposal_id,
        "org_id": startup_id,
        "capability_id": _first(select(Capability.id).where(
            Capability.organisation_id == startup_id)),
        "kpi_id": _first(select(PilotKPI.id).where(PilotKPI.pilot_id == pilot_id)),
        "milestone_id": _first(select(Milestone.id).where(Milestone.pilot_id == pilot_id)),
        "activity_id": _first(select(MarketingActivity.id).where(
            MarketingActivity.pilot_id.in_(select(Pilot.id).where(pilot_filter)))),
        "case_id": _first(select(MarketingActivity.id).where(
            MarketingActivity.state == MarketingState.published,
            MarketingActivity.is_public.is_(True)).order_by(MarketingActivity.id.desc())),
        "rec_id": _first(select(Recommendation.id).where(
            Recommendation.challenge_id == challenge_id)),
        "note_id": _first(select(Notification.id).where(Notification.user_id == user.id))
        if user is not None else None,
        "number": 1,
    }


def urls(app: Flask, ids: dict[str, int | None]) -> list[tuple[str, str]]:
    found = []
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
            if rule.endpoint in SKIP or "GET" not in (rule.methods or ()):
                continue
            values = {name: ids.get(name) for name in rule.arguments}
            if any(value is None for value in values.values()):
                print(f"  (no sample for {rule.endpoint}: {sorted(rule.arguments)})")
                continue
            found.append((rule.endpoint, url_for(rule.endpoint, **values)))
    return found


def measure(app: Flask, client, url: str, repeat: int) -> tuple[list[float], int, int]:
    with app.app_context():
        engine = db.engine
    statements = []

    def seen(*args) -> None:
        statements.append(1)

    client.get(url)  # warm-up
    times, status = [], 0
    event.listen(engine, "before_cursor_execute", seen)
    try:
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            status = response.status_code
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return times, status, len(statements) // max(repeat, 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    app = app_on_database_url()
    _stand_in_sign_in()
    with app.app_context():
        who: dict[str, User | None] = {"anonymous": None, **people()}
        plans = {role: (user.id if user else None, urls(app, sample_ids(user)))
                 for role, user in who.items()}
    print(f"load average before: {load_average()}")
    rows = []
    for role, (user_id, pages) in plans.items():
        client = app.test_client()
        if user_id is not None:
            with client.session_transaction() as session:
                session["_user_id"], session["_fresh"] = str(user_id), True
                session[cookie.TOKEN_KEY] = "bench"
        for endpoint, url in pages:
            times, status, statements = measure(app, client, url, args.repeat)
            rows.append((statistics.median(times), max(times), role, endpoint, url, status,
                         statements))
    print(f"{'median ms':>9} {'max ms':>8} {'role':13} {'status':>6} {'SQL':>4}  page")
    for median, worst, role, endpoint, url, status, statements in sorted(rows, reverse=True):
        print(f"{median:9.1f} {worst:8.1f} {role:13} {status:>6} {statements:>4}  "
              f"{endpoint} {url}")
    print(f"load average after: {load_average()}")
    print(f"slowest {args.top}:")
    for median, _worst, role, endpoint, _url, status, _s in sorted(rows, reverse=True)[:args.top]:
        print(f"  {median:8.1f} ms  {endpoint} as {role} ({status})")


if __name__ == "__main__":
    main()
