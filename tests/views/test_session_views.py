"""Sessions that can be ended (issue 10, item 2): the cookie opens a server-side record, and a
copy of an old cookie replayed after a password change, a reset, an end, an idle timeout or the
absolute lifetime gets the login page, not data."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from govtech.extensions import db
from govtech.models import UserSession
from govtech.services import sessions
from tests import factories
from tests.clock import travel
from tests.html import flash_messages, get_page, post_page, text, texts

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NEW_PASSWORD = "brand-new-secret-77"


@pytest.fixture
def clock(monkeypatch):
    """Time travel for the sessions service."""
    return travel(monkeypatch, sessions, T0)


def _jar(client) -> str:
    """The session cookie as the browser holds it (to replay it later)."""
    return client.get_cookie("session").value


def _replay(client, saved: str) -> None:
    client.set_cookie("session", saved, domain="localhost")


def _signed_out(client, url: str = "/home") -> bool:
    response = client.get(url)
    return response.status_code == 302 and "/login" in response.headers["Location"]


def _records(app, user_id: int) -> list[UserSession]:
    with app.app_context():
        found = db.session.scalars(select(UserSession).where(UserSession.user_id == user_id)
                                   .order_by(UserSession.id)).all()
        db.session.expunge_all()
        return list(found)


def test_login_creates_a_session_record_and_the_cookie_holds_only_its_token(client, app):
    user = factories.user(app, "startup")
    response = client.post("/login", data={"email": user.email, "password": user.password},
                           headers={"User-Agent": "Mozilla/5.0 (Macintosh) Firefox/133.0"},
                           environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert response.status_code == 302
    (record,) = _records(app, user.id)
    assert (record.device, record.address, record.ended_at) == (
        "Mozilla/5.0 (Macintosh) Firefox/133.0", "203.0.113.7", None)
    content = app.session_interface.get_signing_serializer(app).loads(_jar(client))
    assert sessions._hash(content["sid"]) == record.token_hash  # stored hashed only
    assert record.token_hash != content["sid"]


def test_security_page_lists_sessions_and_marks_this_device(client, app):
    user = factories.user(app, "municipality")
    other = app.test_client()
    factories.login(other, user)
    factories.login(client, user)
    page = get_page(client, "/account/security")
    rows = page.select("#sessions tbody tr")
    assert len(rows) == 2
    assert sum("この端末" in text(row) or "This device" in text(row) for row in rows) == 1
    assert "/account/security" in [a["href"] for a in get_page(client, "/account").select("a")]


def test_end_one_session_signs_that_browser_out(client, app):
    user = factories.user(app, "startup")
    other = app.test_client()
    factories.login(other, user)
    saved = _jar(other)
    factories.login(client, user)
    first = _records(app, user.id)[0]
    response = client.post("/account/security/end", data={"session": first.id})
    assert response.status_code == 302
    assert _signed_out(other)
    _replay(other, saved)  # the old cookie, replayed, opens nothing
    assert _signed_out(other)
    assert client.get("/home").status_code == 200  # this browser stays signed in
    assert _records(app, user.id)[0].end_reason == "ended"


def test_ended_session_says_why_on_the_login_page(client, app):
    user = factories.user(app, "startup")
    other = app.test_client()
    factories.login(other, user)
    factories.login(client, user)
    client.post("/account/security/end", data={"session": _records(app, user.id)[0].id})
    page = get_page(other, "/home?lang=en", follow_redirects=True)
    assert "This session has been ended. Please log in again." in flash_messages(page)


def test_end_all_other_sessions(client, app):
    user = factories.user(app, "startup")
    others = [app.test_client() for _ in range(2)]
    for browser in others:
        factories.login(browser, user)
    factories.login(client, user)
    assert client.post("/account/security/end-others").status_code == 302
    assert all(_signed_out(browser) for browser in others)
    assert client.get("/home").status_code == 200
    assert len(get_page(client, "/account/security").select("#sessions tbody tr")) == 1


def test_ending_someone_elses_session_is_404_and_changes_nothing(client, app):
    victim = factories.user(app, "startup")
    victim_browser = app.test_client()
    factories.login(victim_browser, victim)
    (record,) = _records(app, victim.id)
    factories.login(client, factories.user(app, "startup"))
    page = post_page(client, "/account/security/end", {"session": record.id}, status=404)
    assert "セッション" in text(page.main) or "session" in text(page.main)
    assert victim_browser.get("/home").status_code == 200
    assert _records(app, victim.id)[0].ended_at is None


def test_ending_this_device_signs_out(client, app):
    user = factories.user(app, "startup")
    factories.login(client, user)
    (record,) = _records(app, user.id)
    response = client.post("/account/security/end", data={"session": record.id})
    assert "/login" in response.headers["Location"]
    assert _signed_out(client)


def test_logout_ends_the_record_and_the_old_cookie(client, app):
    user = factories.user(app, "startup")
    factories.login(client, user)
    saved = _jar(client)
    client.post("/logout")
    _replay(client, saved)
    assert _signed_out(client)
    assert _records(app, user.id)[0].end_reason == "logout"


def test_password_change_ends_other_sessions_and_replays(client, app):
    user = factories.user(app, "startup")
    other = app.test_client()
    factories.login(other, user)
    saved_other = _jar(other)
    factories.login(client, user)
    saved_here = _jar(client)
    response = client.post("/account", data={"form": "password",
                                             "pw-current_password": user.password,
                                             "pw-password": NEW_PASSWORD,
                                             "pw-password_confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert _signed_out(other)
    _replay(other, saved_other)
    assert _signed_out(other)
    assert client.get("/home").status_code == 200  # the browser that changed it stays
    _replay(client, saved_here)
    assert client.get("/home").status_code == 200
    assert [r.end_reason for r in _records(app, user.id)] == ["password_changed", None]


def test_password_reset_ends_every_session_and_replays(client, app, outbox):
    user = factories.user(app, "municipality")
    thief = app.test_client()
    factories.login(thief, user)
    saved = _jar(thief)
    client.post("/password/forgot", data={"email": user.email})
    link = re.search(r"http://localhost(/password/reset/\S+)", outbox.last_body()).group(1)
    response = client.post(link, data={"password": NEW_PASSWORD,
                                       "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/home").status_code == 200  # the reset signs this browser in afresh
    _replay(thief, saved)
    assert _signed_out(thief)
    assert [r.end_reason for r in _records(app, user.id)] == ["password_reset", None]


def test_idle_timeout(client, app, clock):
    user = factories.user(app, "startup")
    factories.login(client, user)
    saved = _jar(client)
    clock.advance(minutes=29)
    assert client.get("/home").status_code == 200  # in use: the idle clock starts again
    clock.advance(minutes=29)
    assert client.get("/home").status_code == 200
    clock.advance(minutes=31)
    response = client.get("/home?lang=en")
    assert "/login" in response.headers["Location"]
    page = get_page(client, response.headers["Location"])
    assert "Your session has expired. Please log in again." in flash_messages(page)
    _replay(client, saved)
    assert _signed_out(client)
    assert _records(app, user.id)[0].end_reason == "idle"


def test_idle_timeout_is_configurable(client, app, clock, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 5)
    factories.login(client, factories.user(app, "startup"))
    clock.advance(minutes=6)
    assert _signed_out(client)


def test_absolute_lifetime(client, app, clock, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_MAX_HOURS", 1)
    user = factories.user(app, "startup")
    factories.login(client, user)
    saved = _jar(client)
    for _ in range(2):
        clock.advance(minutes=25)  # always in use, never idle
        assert client.get("/home").status_code == 200
    clock.advance(minutes=10)
    assert _signed_out(client)
    _replay(client, saved)
    assert _signed_out(client)
    assert _records(app, user.id)[0].end_reason == "expired"


def test_last_seen_is_written_at_most_once_a_minute(client, app, clock):
    user = factories.user(app, "startup")
    factories.login(client, user)
    assert _records(app, user.id)[0].last_seen_at.replace(tzinfo=UTC) == T0
    clock.advance(seconds=30)
    client.get("/home")
    client.get("/home")
    assert _records(app, user.id)[0].last_seen_at.replace(tzinfo=UTC) == T0
    clock.advance(seconds=31)
    client.get("/home")
    assert _records(app, user.id)[0].last_seen_at.replace(tzinfo=UTC) == T0 + timedelta(
        seconds=61)


def test_a_remember_cookie_alone_signs_nobody_in(client, app):
    """There is no "remember me": a forged or stolen remember cookie without a live session
    token is an anonymous visitor."""
    user = factories.user(app, "startup")
    with app.test_request_context():
        from flask_login.utils import encode_cookie

        client.set_cookie("remember_token", encode_cookie(str(user.id)), domain="localhost")
    assert _signed_out(client)


def test_security_page_lists_no_ended_session(client, app):
    user = factories.user(app, "startup")
    other = app.test_client()
    factories.login(other, user)
    other.post("/logout")
    factories.login(client, user)
    assert len(texts(get_page(client, "/account/security"), "#sessions tbody tr")) == 1


def test_writing_last_seen_keeps_the_pages_language(client, app, clock):
    """The once-a-minute write happens before `?lang=` is read: the page keeps its language."""
    factories.login(client, factories.user(app, "startup"))
    clock.advance(minutes=2)
    page = get_page(client, "/home?lang=en")
    assert page.html["lang"] == "en"


@pytest.mark.parametrize("url", ["/account/security/end", "/account/security/end-others"])
def test_ending_sessions_needs_the_csrf_token(tmp_path, url):
    from govtech import create_app

    app = create_app({"CONFIG_NAME": "test", "WTF_CSRF_ENABLED": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/csrf.sqlite3"})
    post_page(app.test_client(), url, {"session": "1"}, status=400)


def _english(app, user) -> None:
    from govtech.models import User

    with app.test_request_context():
        from govtech.services import accounts

        accounts.set_locale(db.session.get(User, user.id), "en")


def test_the_owner_is_told_of_a_password_change_in_their_language(client, app, outbox):
    user = factories.user(app, "startup")
    _english(app, user)
    factories.login(client, user)
    outbox.clear()
    client.post("/account", data={"form": "password", "pw-current_password": user.password,
                                  "pw-password": NEW_PASSWORD, "pw-password_confirm": NEW_PASSWORD},
                environ_base={"REMOTE_ADDR": "192.0.2.44"})
    (message,) = outbox.messages()
    assert message["To"] == user.email and message["Subject"] == "Your password was changed"
    body = outbox.last_body()
    assert "192.0.2.44" in body and "http://localhost/password/forgot" in body
    assert "Every other session of your account has been signed out." in body


def test_a_refused_password_change_sends_nothing(client, app, outbox):
    factories.login(client, factories.user(app, "startup"))
    outbox.clear()
    client.post("/account", data={"form": "password", "pw-current_password": "wrong-one-11",
                                  "pw-password": NEW_PASSWORD, "pw-password_confirm": NEW_PASSWORD})
    assert outbox.messages() == []


def test_the_owner_is_told_of_a_reset(client, app, outbox):
    user = factories.user(app, "startup")
    _english(app, user)
    client.post("/password/forgot", data={"email": user.email})
    link = re.search(r"http://localhost(/password/reset/\S+)", outbox.last_body()).group(1)
    client.post(link, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert outbox.messages()[-1]["Subject"] == "Your password was reset"


def test_the_owner_is_told_once_when_logins_are_paused(client, app, outbox):
    user = factories.user(app, "startup")
    _english(app, user)
    outbox.clear()
    for _ in range(8):
        client.post("/login", data={"email": user.email, "password": "nope-nope-1"})
    (message,) = outbox.messages()
    assert message["To"] == user.email
    assert message["Subject"] == "Logins to your account were paused"
    assert "nope-nope-1" not in outbox.last_body()


def test_nobody_is_mailed_when_an_unknown_address_is_paused(client, app, outbox):
    outbox.clear()
    for _ in range(7):
        client.post("/login", data={"email": "nobody@nowhere.example", "password": "n0pe-n0pe"})
    assert outbox.messages() == []


def test_suspending_an_organisation_ends_its_members_sessions_at_once(client, app, clock):
    """Reinstating the organisation later does not revive the old cookie."""
    from govtech.models import Organisation, OrgState, User
    from govtech.services import organisations

    member = factories.user(app, "startup")
    factories.login(client, member)
    saved = _jar(client)
    manager = factories.user(app, "manager")
    with app.test_request_context():
        boss = db.session.get(User, manager.id)
        org = db.session.get(Organisation, member.org_id)
        organisations.set_state(boss, org, OrgState.suspended)
        organisations.set_state(boss, db.session.get(Organisation, member.org_id),
                                OrgState.approved)
    assert all(record.ended_at is not None for record in _records(app, member.id))
    _replay(client, saved)
    assert _signed_out(client)
