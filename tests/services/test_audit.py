"""The audit log (issue 10, item 7): one writer, every event once, append-only, retention."""
from __future__ import annotations

import os
import uuid
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from govtech import ROOT, create_app
from govtech.extensions import db
from govtech.models import AuditEvent, OrgKind, OrgState, SessionEnd, User
from govtech.models.base import utcnow
from govtech.services import accounts, audit, members, organisations, sessions, transaction

GOOD = "a-sturdy-passphrase-42"
POSTGRES = os.environ.get("TEST_DATABASE_URL")
needs_postgres = pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (TEST_DATABASE_URL): "
                                                         "the append-only trigger")


def _events(name: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == name)
                                   .order_by(AuditEvent.id)))


def _one(name: str) -> AuditEvent:
    (event,) = _events(name)
    return event


def _member(email: str = "dx@city.example.jp", manager: User | None = None) -> User:
    user = accounts.signup(kind=OrgKind.municipality, org_name="テスト市", name="山田 花子",
                           email=email, password=GOOD, prefecture="11")
    organisations.set_state(manager or _manager(), user.organisation, OrgState.approved)
    return user


def _manager(email: str = "office@example.jp") -> User:
    return accounts.find_user(email) or accounts.create_manager(email, "Office", GOOD)


def test_record_needs_a_unit_of_work_and_a_known_event(ctx):
    with pytest.raises(RuntimeError):
        audit.record("logout")

    @transaction.unit_of_work()
    def unknown() -> None:
        audit.record("something.else")

    with pytest.raises(ValueError):
        unknown()


def test_login_succeeded_once_with_actor_organisation_and_session(ctx):
    user = _member()
    sessions.start(user)
    event = _one("login.succeeded")
    assert (event.actor_id, event.actor_label, event.organisation_id) == (
        user.id, user.email, user.organisation_id)
    assert event.target_type == "user_session" and event.detail == {"method": "password"}


def test_login_failed_for_a_known_account(ctx):
    user = _member()
    with pytest.raises(accounts.LoginRefused):
        accounts.authenticate("DX@city.example.jp", "not-the-password-1")
    event = _one("login.failed")
    assert event.actor_id == user.id and event.organisation_id == user.organisation_id
    assert event.detail == {"email": "dx@city.example.jp", "reason": "password"}
    assert "not-the-password-1" not in str(event.detail)


def test_login_failed_for_an_unknown_address_names_no_one(ctx):
    with pytest.raises(accounts.LoginRefused):
        accounts.authenticate("nobody@nowhere.example", "whatever-it-is-1")
    event = _one("login.failed")
    assert (event.actor_id, event.actor_label, event.organisation_id) == (None, "", None)
    assert event.detail == {"email": "nobody@nowhere.example", "reason": "unknown"}


def test_logout_and_session_ended(ctx):
    user = _member()
    token = sessions.start(user)
    other = sessions.start(user)
    record = sessions.end_one(user, sessions.current_id(other))
    event = _one("session.ended")
    assert (event.actor_id, event.target_type, event.target_id) == (user.id, "user_session",
                                                                     record.id)
    assert event.detail == {"reason": SessionEnd.ENDED, "owner": user.email}
    sessions.log_out(user, token)
    assert _one("logout").actor_id == user.id
    assert len(_events("session.ended")) == 1  # signing out is its own event


def test_password_changed_once_and_other_sessions_end(ctx):
    user = _member()
    keep, other = sessions.start(user), sessions.start(user)
    accounts.change_password(user, GOOD, "another-good-one-7", keep_token=keep)
    assert _one("password.changed").detail == {"sessions_ended": 1}
    assert [e.target_id for e in _events("session.ended")] == [sessions.current_id(other)]
    assert [r.id for r in sessions.list_for(user)] == [sessions.current_id(keep)]


def test_password_reset_once_and_every_session_ends(ctx):
    user = _member()
    sessions.start(user)
    sessions.start(user)
    accounts.reset_password(accounts.make_token(user, "reset"), "brand-new-secret-8")
    assert _one("password.reset").detail == {"sessions_ended": 2}
    assert sessions.list_for(user) == []


def test_a_refused_password_change_records_nothing(ctx):
    user = _member()
    with pytest.raises(accounts.DomainError):
        accounts.change_password(user, "wrong-password-1", "another-good-one-7")
    assert _events("password.changed") == []


def test_end_all_for_a_disabled_user_records_who_did_it(ctx):
    user, manager = _member(), _manager()
    sessions.start(user)

    @transaction.unit_of_work()
    def disable() -> int:
        return sessions.end_all(user, SessionEnd.DISABLED, actor=manager)

    assert disable() == 1
    event = _one("session.ended")
    assert (event.actor_id, event.organisation_id) == (manager.id, user.organisation_id)
    assert event.detail["reason"] == "disabled"


def test_member_invited_once(ctx):
    user = _member()
    members.invite(user, email="mate@city.example.jp", name="同僚")
    invited = accounts.find_user("mate@city.example.jp")
    event = _one("member.invited")
    assert (event.actor_id, event.organisation_id, event.target_id) == (
        user.id, user.organisation_id, invited.id)


def test_organisation_approved_and_suspended_once_each(ctx):
    manager = _manager()
    user = _member(manager=manager)
    approved = _one("organisation.approved")
    assert (approved.actor_id, approved.organisation_id, approved.target_type) == (
        manager.id, user.organisation_id, "organisation")
    assert approved.detail == {"previous": "pending"}
    organisations.set_state(manager, user.organisation, OrgState.suspended, "契約終了")
    assert _one("organisation.suspended").detail == {"previous": "approved", "note": "契約終了"}


def test_a_refused_state_change_records_nothing(ctx):
    user = _member()
    with pytest.raises(accounts.DomainError):
        organisations.set_state(user, user.organisation, OrgState.suspended)
    assert _events("organisation.suspended") == []


def test_prune_keeps_recent_events_and_records_itself(ctx, app):
    user = _member()
    now = utcnow()

    @transaction.unit_of_work()
    def backdate(days: int) -> None:
        audit.record("logout", actor=user).created_at = now - timedelta(days=days)

    for days in (400, 366, 364, 1):
        backdate(days)
    assert audit.prune() == 2
    assert sorted((now - e.created_at.replace(tzinfo=now.tzinfo)).days
                  for e in _events("logout")) == [1, 364]
    event = _one("audit.pruned")
    assert event.actor_id is None and event.detail["rows"] == 2 and event.detail["days"] == 365
    assert audit.prune(days=30) == 1
    assert len(_events("audit.pruned")) == 2  # the record of pruning is recent: kept


def test_the_orm_refuses_to_change_an_event(ctx):
    user = _member()
    event = _one("organisation.approved")
    event.event = "logout"
    with pytest.raises(ValueError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(ValueError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    assert user.id


def test_list_query_filters_and_is_for_managers(ctx):
    manager = _manager()
    town = _member("a@town.example.jp", manager)
    other = _member("b@village.example.jp", manager)
    sessions.start(town)
    sessions.start(other)
    chosen = audit.filters(organisation=str(town.organisation_id), event="login.succeeded")
    assert [e.actor_id for e in db.session.scalars(audit.list_query(manager, chosen))] == [
        town.id]
    by_mail = audit.filters(email="VILLAGE")
    assert {e.actor_id for e in db.session.scalars(audit.list_query(manager, by_mail))} == {
        other.id}
    with pytest.raises(accounts.DomainError):
        audit.filters(start="2026-13-45")
    # an organisation's administrator (its first member) reads its own organisation's events
    own = list(db.session.scalars(audit.list_query(town, audit.filters())))
    assert own and {e.organisation_id for e in own} == {town.organisation_id}
    assert audit.organisation_names(town) == {town.organisation_id: town.organisation.name}
    town.is_org_admin = False  # any other member: refused
    with pytest.raises(accounts.DomainError):
        audit.list_query(town, chosen)


def test_date_range_uses_the_offices_days(ctx):
    user = _member()

    @transaction.unit_of_work()
    def at(iso: str) -> None:
        from datetime import datetime

        audit.record("logout", actor=user).created_at = datetime.fromisoformat(iso)

    at("2026-11-30T14:59:00+00:00")  # 23:59 on 30 November in Tokyo
    at("2026-11-30T15:00:00+00:00")  # 00:00 on 1 December in Tokyo
    at("2026-12-01T14:59:00+00:00")  # 23:59 on 1 December in Tokyo
    chosen = audit.filters(event="logout", start="2026-12-01", end="2026-12-01")
    found = db.session.scalars(audit.list_query(_manager(), chosen)).all()
    assert sorted(e.created_at.strftime("%d %H:%M") for e in found) == ["01 14:59", "30 15:00"]


# --- PostgreSQL: the trigger ---------------------------------------------------------------------

def _a_row() -> int:
    @transaction.unit_of_work()
    def add() -> int:
        row = audit.record("logout")
        db.session.flush()
        return row.id

    return add()


@needs_postgres
def test_postgres_refuses_update_and_delete(ctx):
    row_id = _a_row()
    for statement in (f"UPDATE audit_event SET event = 'x' WHERE id = {row_id}",
                      f"DELETE FROM audit_event WHERE id = {row_id}"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1


@needs_postgres
def test_postgres_allows_delete_only_with_the_prune_setting(ctx):
    row_id = _a_row()
    db.session.execute(text("SET LOCAL govtech.audit_prune = 'on'"))
    with pytest.raises(DBAPIError, match="append-only"):  # UPDATE still refused
        db.session.execute(text(f"UPDATE audit_event SET event = 'x' WHERE id = {row_id}"))
    db.session.rollback()
    db.session.execute(text("SET LOCAL govtech.audit_prune = 'on'"))
    db.session.execute(text(f"DELETE FROM audit_event WHERE id = {row_id}"))
    db.session.commit()
    other = _a_row()  # SET LOCAL ended with its transaction
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(f"DELETE FROM audit_event WHERE id = {other}"))
    db.session.rollback()


@needs_postgres
def test_the_migration_creates_the_trigger(tmp_path):
    """`flask db upgrade` (not only create_all) leaves the audit table append-only."""
    name = f"audittest_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES.replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        app = create_app({"CONFIG_NAME": "test",
                          "SQLALCHEMY_DATABASE_URI": POSTGRES.rsplit("/", 1)[0] + "/" + name})
        with app.app_context():
            upgrade(directory=os.path.join(ROOT, "migrations"))
            with db.engine.begin() as connection:
                connection.execute(text("INSERT INTO audit_event (created_at, actor_label, "
                                        "event, detail) VALUES (now(), '', 'logout', '{}')"))
            for statement in ("UPDATE audit_event SET event = 'x'", "DELETE FROM audit_event"):
                with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
                    conn.execute(text(statement))
            db.engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
