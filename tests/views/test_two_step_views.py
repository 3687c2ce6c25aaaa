"""Two-step sign-in in the browser's terms (issue 10, item 1): the code step of a login, the
enrolment a manager cannot get round, an organisation's requirement, the settings page."""
from __future__ import annotations

import re

import pyotp
from itsdangerous import TimestampSigner
from sqlalchemy import select

from govtech.extensions import db
from govtech.models import AuditEvent
from govtech.services import two_step
from tests import factories
from tests.html import field_errors, flash_messages, get_page, post_page, texts


def _events(app, name: str) -> list[AuditEvent]:
    with app.app_context():
        found = list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == name)))
        db.session.expunge_all()
        return found


def _password_step(client, record) -> str:
    response = client.post("/login", data={"email": record.email, "password": record.password})
    assert response.status_code == 302
    return response.headers["Location"]


def _signed_out(client, url: str = "/home") -> bool:
    response = client.get(url)
    return response.status_code == 302 and "/login" in response.headers["Location"]


def _enrol_through_the_page(client, app) -> tuple[str, list[str]]:
    """Set up two-step sign-in on /account/two-step as its user would: the secret, the codes."""
    post_page(client, "/account/two-step", {"form": "begin"}, status=302)
    page = get_page(client, "/account/two-step")
    assert page.select_one(".qr-code svg") is not None
    secret = page.select_one("#two-step-secret").get_text().replace(" ", "")
    assert page.find("input", attrs={"name": "on-secret"})["value"] == secret
    code = pyotp.TOTP(secret).now()
    done = client.post("/account/two-step", data={"form": "confirm", "on-secret": secret,
                                                 "on-code": code})
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    codes = re.findall(r"<code>([a-z0-9-]{14})</code>", done.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def test_login_asks_for_a_code_before_any_session_starts(client, app):
    manager = factories.user(app, "manager")
    assert "/login/code" in _password_step(client, manager)
    assert _signed_out(client)  # the password alone opened nothing
    assert _events(app, "login.succeeded") == []
    page = post_page(client, "/login/code", {"code": "000000"}, status=401)
    assert field_errors(page, "code")
    page = post_page(client, "/login/code", {"code": "12"}, status=401)
    assert field_errors(page, "code")
    assert len(_events(app, "login.failed")) == 2
    response = client.post("/login/code", data={"code": factories.fresh_code(app, manager)})
    assert response.status_code == 302
    assert client.get("/home").status_code == 200
    (succeeded,) = _events(app, "login.succeeded")
    assert succeeded.detail["method"] == "two_step"


def test_a_used_code_is_refused_at_the_next_login(client, app):
    manager = factories.user(app, "manager")
    factories.login(client, manager)
    client.post("/logout")
    _password_step(client, manager)
    page = post_page(client, "/login/code", {"code": factories.totp_code(manager)}, status=401)
    assert "すでに使用されています" in " ".join(field_errors(page, "code"))


def test_the_password_ok_marker_expires_after_five_minutes(client, app, monkeypatch):
    manager = factories.user(app, "manager")
    _password_step(client, manager)
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + 301)
    response = client.post("/login/code", data={"code": factories.fresh_code(app, manager)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert _signed_out(client)


def test_code_attempts_are_limited_per_account_and_the_owner_is_told(client, app, outbox):
    manager = factories.user(app, "manager")
    _password_step(client, manager)
    outbox.clear()
    statuses = [client.post("/login/code", data={"code": "000001"}).status_code
                for _ in range(7)]
    assert statuses == [401] * 5 + [429] * 2
    (locked,) = _events(app, "login.locked")
    assert (locked.actor_id, locked.detail["limit"]) == (manager.id, "two_step")
    (mail,) = outbox.messages()
    assert mail["To"] == manager.email


def test_a_recovery_code_logs_in_once_and_shows_what_is_left(client, app):
    user = factories.user(app, "startup")
    factories.login(client, user)
    _secret, codes = _enrol_through_the_page(client, app)
    client.post("/logout")
    _password_step(client, user)
    page = post_page(client, "/login/code", {"code": codes[0]}, status=200,
                     follow_redirects=True)
    assert any("9" in message for message in flash_messages(page))
    assert len(_events(app, "totp.recovery_code_used")) == 1
    client.post("/logout")
    _password_step(client, user)
    post_page(client, "/login/code", {"code": codes[0]}, status=401)


def test_a_manager_without_two_step_is_kept_on_the_enrolment_page(client, app):
    manager = factories.user(app, "manager", two_step=False)
    response = client.post("/login", data={"email": manager.email,
                                           "password": manager.password})
    assert response.status_code == 302
    for url in ("/home", "/admin/organisations", "/account", "/account/security", "/challenges/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].endswith("/account/two-step"), url
    response = client.post("/recommendations/rebuild")
    assert response.headers["Location"].endswith("/account/two-step")
    page = get_page(client, "/account/two-step")
    assert page.select_one("#two-step-required") is not None
    _enrol_through_the_page(client, app)
    assert client.get("/admin/organisations").status_code == 200
    assert client.post("/logout").status_code == 302


def test_an_organisation_can_require_it_of_all_its_members(client, app):
    manager = factories.user(app, "manager")
    member = factories.user(app, "municipality")
    office = app.test_client()
    factories.login(office, manager)
    factories.login(client, member)
    assert client.get("/home").status_code == 200
    response = office.post(f"/organisations/{member.org_id}/two-step", data={"required": "1"})
    assert response.status_code == 302
    assert client.get("/home").headers["Location"].endswith("/account/two-step")
    office.post(f"/organisations/{member.org_id}/two-step", data={"required": "0"})
    assert client.get("/home").status_code == 200
    assert office.post(f"/organisations/{member.org_id}/two-step",
                       data={"required": "maybe"}).status_code == 302
    outsider = app.test_client()
    factories.login(outsider, factories.user(app, "startup"))
    assert outsider.post(f"/organisations/{member.org_id}/two-step",
                         data={"required": "0"}).status_code == 404
    colleague = factories.user(app, "municipality", org_id=member.org_id)
    colleague_client = app.test_client()
    factories.login(colleague_client, colleague)
    response = colleague_client.post(f"/organisations/{member.org_id}/two-step",
                                     data={"required": "1"})
    assert response.status_code == 403  # a member, not its administrator
    assert len(_events(app, "organisation.two_step")) == 2
    page = get_page(office, "/admin/organisations")
    assert f"/organisations/{member.org_id}/two-step" in " ".join(
        str(form.get("action")) for form in page.select("form"))


def test_an_organisations_administrator_can_require_it_too(client, app):
    admin = factories.user(app, "startup")  # its first member: the administrator
    factories.login(client, admin)
    page = get_page(client, "/account/members")
    assert page.select_one("#org-two-step form")["action"].endswith(
        f"/organisations/{admin.org_id}/two-step")
    response = client.post(f"/organisations/{admin.org_id}/two-step", data={"required": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/members")
    assert client.get("/home").headers["Location"].endswith("/account/two-step")


def test_turning_it_on_ends_the_other_sessions(client, app):
    user = factories.user(app, "startup")
    laptop = app.test_client()
    factories.login(laptop, user)
    factories.login(client, user)
    _enrol_through_the_page(client, app)
    assert client.get("/home").status_code == 200  # the browser that turned it on stays
    assert _signed_out(laptop)


def test_a_stale_enrolment_form_is_refused(client, app):
    user = factories.user(app, "startup")
    factories.login(client, user)
    post_page(client, "/account/two-step", {"form": "begin"}, status=302)
    old = get_page(client, "/account/two-step").select_one("#two-step-secret").get_text()
    post_page(client, "/account/two-step", {"form": "begin"}, status=302)  # another tab
    old = old.replace(" ", "")
    page = post_page(client, "/account/two-step", {"form": "confirm", "on-secret": old,
                                                   "on-code": pyotp.TOTP(old).now()}, status=409)
    assert field_errors(page, "on-code")
    assert _events(app, "totp.enabled") == []


def test_turning_off_and_new_codes_need_the_password_and_a_current_code(client, app):
    user = factories.user(app, "startup")
    factories.login(client, user)
    secret, _codes = _enrol_through_the_page(client, app)
    page = post_page(client, "/account/two-step", {
        "form": "disable", "off-password": "wrong-password-1", "off-code": "123456"}, status=400)
    assert field_errors(page, "off-password")
    page = post_page(client, "/account/two-step", {
        "form": "regenerate", "codes-password": user.password, "codes-code": "000000"},
        status=400)
    assert field_errors(page, "codes-code")
    assert page.select_one("#two-step-state") is not None  # still on
    totp = pyotp.TOTP(secret)
    with app.app_context():
        next_step = totp.generate_otp(totp.timecode(two_step.clock()) + 1)
    page = post_page(client, "/account/two-step", {
        "form": "regenerate", "codes-password": user.password, "codes-code": next_step})
    assert len(texts(page, "#recovery-codes li")) == 10
    record = factories.UserRecord(user.id, user.email, "startup", user.org_id, user.password,
                                  secret)
    post_page(client, "/account/two-step", {
        "form": "disable", "off-password": user.password,
        "off-code": factories.fresh_code(app, record)}, status=302)
    assert get_page(client, "/account/two-step").select_one("#two-step-state") is None
    assert [len(_events(app, name)) for name in ("totp.enabled", "totp.codes_regenerated",
                                                 "totp.disabled")] == [1, 1, 1]


def test_refused_attempts_on_the_settings_page_are_limited(client, app):
    user = factories.user(app, "startup", two_step=True)
    factories.login(client, user)
    statuses = [client.post("/account/two-step", data={
        "form": "disable", "off-password": user.password, "off-code": "000001"}).status_code
        for _ in range(11)]
    assert statuses == [400] * 10 + [429]


def test_an_account_disabled_after_the_password_step_cannot_finish_logging_in(client, app):
    from govtech.models import User

    manager = factories.user(app, "manager")
    _password_step(client, manager)
    with app.app_context():
        db.session.get(User, manager.id).is_disabled = True
        db.session.commit()
    response = client.post("/login/code", data={"code": factories.fresh_code(app, manager)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert _events(app, "login.succeeded") == []
