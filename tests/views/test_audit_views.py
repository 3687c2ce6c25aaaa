"""The audit log from the outside: what sign-in, sign-out, limits and exports record, the
managers' page with its filters and CSV file, and `flask audit prune`."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from govtech.extensions import db
from govtech.models import AuditEvent
from govtech.models.base import utcnow
from govtech.services import audit, transaction
from tests import factories
from tests.html import get_page, text, texts

ADDRESS = {"REMOTE_ADDR": "198.51.100.23"}


def _events(app, name: str | None = None) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.id)
        if name:
            query = query.where(AuditEvent.event == name)
        found = list(db.session.scalars(query))
        db.session.expunge_all()
        return found


def test_login_and_logout_are_recorded_once_with_the_address(client, app):
    user = factories.user(app, "startup")
    client.post("/login", data={"email": user.email, "password": user.password},
                environ_base=ADDRESS)
    (event,) = _events(app, "login.succeeded")
    assert (event.actor_id, event.address, event.organisation_id) == (
        user.id, "198.51.100.23", user.org_id)
    client.post("/logout", environ_base=ADDRESS)
    (event,) = _events(app, "logout")
    assert (event.actor_id, event.address) == (user.id, "198.51.100.23")


def test_a_failed_login_is_recorded_once_without_the_password(client, app):
    user = factories.user(app, "startup")
    client.post("/login", data={"email": user.email, "password": "wrong-password-9"})
    (event,) = _events(app, "login.failed")
    assert event.detail == {"email": user.email, "reason": "password"}
    assert _events(app, "login.succeeded") == []


def test_the_rate_limit_records_login_locked_once_per_lock(client, app):
    user = factories.user(app, "startup")
    for _ in range(9):
        client.post("/login", data={"email": user.email, "password": "nope-nope-1"},
                    environ_base=ADDRESS)
    assert len(_events(app, "login.failed")) == 5
    (event,) = _events(app, "login.locked")
    assert (event.actor_id, event.address, event.detail) == (
        user.id, "198.51.100.23", {"email": user.email, "limit": "account"})


def test_the_address_limit_records_login_locked_too(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "2 per 15 minutes")
    for i in range(3):
        client.post("/login", data={"email": f"who{i}@x.example", "password": "n0pe-n0pe"})
    (event,) = _events(app, "login.locked")
    assert (event.actor_id, event.detail) == (None, {"email": "who2@x.example",
                                                     "limit": "address"})


def test_a_dashboard_export_is_recorded_once(client, app):
    user = factories.user(app, "municipality")
    factories.login(client, user)
    assert client.get("/dashboard/export/funnel.csv").status_code == 200
    (event,) = _events(app, "export.csv")
    assert event.actor_id == user.id and event.detail["what"] == "dashboard:funnel"
    assert event.detail["scope"] == "municipality" and "rows" in event.detail


def _add(app, event: str, *, days_ago: int = 0, **values) -> None:
    with app.test_request_context():
        @transaction.unit_of_work()
        def add() -> None:
            audit.record(event, **values).created_at = utcnow() - timedelta(days=days_ago)

        add()


def test_managers_see_the_log_and_filter_it(client, app, login_as):
    town = factories.user(app, "municipality", email="kikaku@town.example.jp")
    startup = factories.user(app, "startup", email="ceo@startup.example.jp")
    for who in (town, startup):
        factories.login(app.test_client(), who)
    login_as("manager")
    page = get_page(client, "/admin/audit?lang=en")
    assert "Logged in" in texts(page, "#audit td")
    by_org = get_page(client, f"/admin/audit?organisation={town.org_id}&event=login.succeeded")
    assert _column(by_org, 2) == ["kikaku@town.example.jp"]
    by_mail = get_page(client, "/admin/audit?email=STARTUP.example&event=login.succeeded")
    assert _column(by_mail, 2) == ["ceo@startup.example.jp"]
    none = get_page(client, "/admin/audit?event=password.reset")
    assert "#audit" not in str(none) and none.select("#audit") == []


def _column(page, number: int) -> list[str]:
    return [text(row.select("td")[number - 1]) for row in page.select("#audit tbody tr")]


def test_the_date_filter_and_a_bad_date(client, app, login_as):
    _add(app, "logout", days_ago=10)
    _add(app, "logout", days_ago=0)
    login_as("manager")
    since = (utcnow() - timedelta(days=3)).date().isoformat()
    page = get_page(client, f"/admin/audit?event=logout&start={since}")
    assert len(page.select("#audit tbody tr")) == 1
    until = (utcnow() - timedelta(days=5)).date().isoformat()
    page = get_page(client, f"/admin/audit?event=logout&end={until}")
    assert len(page.select("#audit tbody tr")) == 1
    get_page(client, "/admin/audit?start=yesterday", status=400)


def test_the_log_is_paged(client, app, login_as):
    for _ in range(55):
        _add(app, "logout")
    login_as("manager")
    first = get_page(client, "/admin/audit?event=logout")
    assert len(first.select("#audit tbody tr")) == 50
    second = get_page(client, "/admin/audit?event=logout&page=2")
    assert len(second.select("#audit tbody tr")) == 5


def test_members_may_not_read_the_log(client, app):
    """Issue 10 item 3 changes this for an organisation's administrator (next test); any
    other member is still refused."""
    admin = factories.user(app, "municipality")
    member = factories.user(app, "municipality", org_id=admin.org_id)
    factories.login(client, member)
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403


def test_an_administrator_reads_only_its_own_organisations_events(client, app):
    admin = factories.user(app, "municipality", email="admin@town.example.jp")
    other = factories.user(app, "startup", email="ceo@startup.example.jp")
    factories.login(app.test_client(), other)
    factories.login(client, admin)
    rows = [text(row) for row in get_page(client, "/admin/audit").select("#audit tbody tr")]
    assert any("admin@town" in row for row in rows)
    assert not any("ceo@startup" in row for row in rows)
    asked = get_page(client, f"/admin/audit?organisation={other.org_id}")
    assert asked.select("#audit tbody tr td") == [] or "ceo@startup" not in text(asked.main)
    exported = client.get("/admin/audit.csv").get_data(as_text=True)
    assert "admin@town.example.jp" in exported and "ceo@startup" not in exported


def test_csv_export_with_bom_headers_no_store_and_its_own_event(client, app, login_as):
    _add(app, "login.failed", email="someone@example.jp")
    _add(app, "logout")
    manager = login_as("manager")
    response = client.get("/admin/audit.csv?event=login.failed&lang=en")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    content = response.get_data()
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["Time", "User", "Organisation", "IP address", "Event", "Event code",
                       "Affected record", "Detail"]
    assert [row[5] for row in rows[1:]] == ["login.failed"]
    exports = _events(app, "export.csv")
    assert [(e.actor_id, e.detail) for e in exports] == [
        (manager.id, {"what": "audit", "rows": 1, "filters": {"event": "login.failed"}})]


def test_csv_cells_never_start_a_formula():
    """Text anyone can type (an address tried at login) must not run in a spreadsheet."""
    from govtech.blueprints.admin.views import _cell

    assert [_cell(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "a=b", "")] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "a=b", ""]


def test_prune_command_keeps_recent_events_and_records_itself(app):
    _add(app, "logout", days_ago=400)
    _add(app, "logout", days_ago=10)
    result = app.test_cli_runner().invoke(args=["audit", "prune"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 audit events older than 365 days." in result.output
    assert len(_events(app, "logout")) == 1
    (event,) = _events(app, "audit.pruned")
    assert event.detail["rows"] == 1
    result = app.test_cli_runner().invoke(args=["audit", "prune", "--days", "5"])
    assert "Deleted 1 audit events older than 5 days." in result.output
    assert _events(app, "logout") == []


def test_the_approvals_page_links_to_the_log(client, login_as):
    login_as("manager")
    page = get_page(client, "/admin/organisations")
    assert "/admin/audit" in [a["href"] for a in page.select("main a")]


def test_a_whole_day_records_each_event_exactly_once(client, app, outbox):
    """Every event type, caused once through the pages (and the CLI), is in the log once."""
    import re
    from collections import Counter

    town = factories.user(app, "municipality")
    manager = factories.user(app, "manager")
    before = Counter(e.event for e in _events(app))
    new = "a-fresh-passphrase-31"
    client.post("/login", data={"email": town.email, "password": "wrong-password-1"})
    factories.login(client, town)
    client.post("/account/invite", data={"name": "同僚", "email": "mate@town.example.jp"})
    client.get("/dashboard/export/funnel.csv")
    factories.login(app.test_client(), town)
    client.post("/account", data={"form": "password", "pw-current_password": town.password,
                                  "pw-password": new, "pw-password_confirm": new})
    client.post("/logout")
    client.post("/password/forgot", data={"email": town.email})
    link = re.search(r"http://localhost(/password/reset/\S+)", outbox.last_body()).group(1)
    client.post(link, data={"password": "reset-passphrase-42",
                            "password_confirm": "reset-passphrase-42"})
    office = app.test_client()
    factories.login(office, manager)
    with app.app_context():
        from govtech.models import Organisation

        version = db.session.get(Organisation, town.org_id).version
    office.post(f"/admin/organisations/{town.org_id}/state",
                data={"state": "suspended", "confirm": "yes", "version": version})
    office.get("/admin/audit.csv")
    for _ in range(6):
        app.test_client().post("/login", data={"email": manager.email, "password": "guess-1x"})
    assert app.test_cli_runner().invoke(args=["audit", "prune"]).exit_code == 0
    caused = Counter(e.event for e in _events(app)) - before
    # session.ended: one ended by its owner, one by the suspension of the town (its member's
    # live session ends at once)
    assert caused == Counter({
        "login.failed": 6, "login.succeeded": 4, "member.invited": 1, "export.csv": 2,
        "password.changed": 1, "session.ended": 2, "logout": 1, "password.reset": 1,
        "organisation.suspended": 1, "login.locked": 1, "audit.pruned": 1})
