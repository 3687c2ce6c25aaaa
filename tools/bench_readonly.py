"""What the read-only benchmarks share: an app on DATABASE_URL that cannot write, and the
people whose views they time (a manager, the busiest municipality and the busiest startup).

Every connection is opened read-only on PostgreSQL (`default_transaction_read_only`), so a
benchmark pointed at real data cannot change it, even by accident: a write fails loudly.
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event, func, select

from govtech import create_app
from govtech.extensions import db
from govtech.models import Challenge, Organisation, OrgKind, OrgState, Pilot, Role, User


def app_on_database_url() -> Flask:
    """The app on DATABASE_URL (required: these benchmarks measure a real database)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("Set DATABASE_URL to the database to measure (read only).")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SERVER_NAME": "localhost",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            event.listen(db.engine, "connect", _read_only)
            db.engine.dispose()  # connections opened so far were not read-only
    return app


def _read_only(connection, record) -> None:
    cursor = connection.cursor()
    cursor.execute("SET default_transaction_read_only = on")
    cursor.close()
    connection.commit()


def load_average() -> str:
    path = Path("/proc/loadavg")
    return " ".join(path.read_text().split()[:3]) if path.exists() else "n/a"


def _busiest(kind: OrgKind) -> int | None:
    """The approved organisation with the most pilots: the largest scope of its kind."""
    org_column = Challenge.organisation_id if kind == OrgKind.municipality else Pilot.startup_id
    return db.session.scalar(
        select(org_column).select_from(Pilot).join(Pilot.challenge)
        .join(Organisation, Organisation.id == org_column)
        .where(Organisation.state == OrgState.approved)
        .group_by(org_column).order_by(func.count().desc(), org_column).limit(1))


def people() -> dict[str, User]:
    """A manager, and an active member of the busiest municipality and of the busiest startup
    (inside an app context)."""
    found: dict[str, User] = {}
    manager = db.session.scalar(select(User).where(User.role == Role.manager,
                                                   User.is_disabled.is_(False))
                                .order_by(User.id).limit(1))
    if manager is not None:
        found["manager"] = manager
    for kind in (OrgKind.municipality, OrgKind.startup):
        org_id = _busiest(kind)
        user = db.session.scalar(select(User).where(
            User.organisation_id == org_id, User.is_disabled.is_(False),
            User.is_invited.is_(False)).order_by(User.is_org_admin.desc(), User.id).limit(1))
        if user is not None:
            found[kind.value] = user
    return found
