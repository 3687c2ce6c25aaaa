"""The account page's re-authentication in the browser's terms (issue 10 item 2): a two-step
code for the password change, and the e-mail change by a link mailed to the new address."""
from __future__ import annotations

import re

from sqlalchemy import select

from govtech.extensions import db
from govtech.models import AuditEvent, User
from tests import factories
from tests.html import field_errors, field_value, flash_messages, get_page, post_page, text

NEW = "new-address@town.example.jp"


def _events(app, name: str) -> list[AuditEvent]:
    with app.app_context():
        found = list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == name)))
        db.session.expunge_all()
        return found


def _email_of(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).email


def _signed_out(client) -> bool:
    response = client.get("/home")
    return response.status_code == 302 and "/login" in response.headers["Location"]


def _password_change(code: str | None = None) -> dict[str, str]:
    data = {"form": "password", "pw-current_password": factories.PASSWORD,
            "pw-password": "new-secret-123-lantern", "pw-password_confirm":
            "new-secret-123-lantern"}
    return data if code is None else {**data, "pw-code": code}


def _email_change(email: str = NEW, password: str = factories.PASSWORD,
                  code: str | None = None) -> dict[str, str]:
    data = {"form": "email", "email-email": email, "email-password": password}
    return data if code is None else {**data, "email-code": code}


def _link(outbox, to: str = NEW) -> str:
    mail = outbox.messages()[-1]
    assert mail["To"] == to
    return re.search(r"http://localhost(/account/email\?token=\S+)",
                     mail.get_body(("plain",)).get_content()).group(1)


def test_the_code_field_is_shown_only_with_two_step_on(client, login_as, app):
    login_as("startup")
    page = get_page(client, "/account")
    assert page.find("input", attrs={"name": "pw-code"}) is None
    assert page.find("input", attrs={"name": "email-code"}) is None
    other = app.test_client()
    factories.login(other, factories.user(app, "startup", two_step=True))
    page = get_page(other, "/account")
    assert page.find("input", attrs={"name": "pw-code"}) is not None
    assert page.find("input", attrs={"name": "email-code"}) is not None


def test_password_change_needs_a_right_code_with_two_step_on(client, app):
    user = factories.user(app, "startup", two_step=True)
    factories.login(client, user)
    page = post_page(client, "/account", _password_change(), status=400)
    assert field_errors(page, "pw-code")
    page = post_page(client, "/account", _password_change(factories.totp_code(user, 5)),
                     status=400)
    assert field_errors(page, "pw-code")
    assert field_value(page, "pw-code") == factories.totp_code(user, 5)  # kept
    assert _events(app, "password.changed") == []
    response = client.post("/account", data=_password_change(factories.totp_code(user, 1)))
    assert response.status_code == 302
    assert len(_events(app, "password.changed")) == 1


def test_email_change_by_the_link_to_the_new_address(client, app, outbox):
    user = factories.user(app, "municipality")
    factories.login(client, user)
    elsewhere = app.test_client()
    factories.login(elsewhere, user)
    outbox.clear()
    response = client.post("/account", data=_email_change(NEW.upper()))
    assert response.status_code == 302
    assert any(NEW in message for message in flash_messages(get_page(client, "/account")))
    link = _link(outbox)
    assert _email_of(app, user.id) == user.email  # not before the link
    assert _events(app, "email.changed") == []
    page = get_page(client, link)  # the link shows a button; following it changes nothing
    assert NEW in text(page.main) and _email_of(app, user.id) == user.email
    response = client.post("/account/email", data={"token": link.split("token=")[1]})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account")
    assert _email_of(app, user.id) == NEW
    assert len(_events(app, "email.changed")) == 1
    notice = outbox.messages()[-1]
    assert notice["To"] == user.email and NEW in notice.get_body(("plain",)).get_content()
    assert _signed_out(elsewhere)  # the other session ended: its old cookie gets the login page
    assert client.get("/home").status_code == 200  # this one stays
    replayed = get_page(client, link, status=400)
    assert "すでに使用" in text(replayed.main)
    client.post("/logout")
    assert client.post("/login", data={"email": NEW, "password": user.password}
                       ).status_code == 302


def test_the_link_needs_its_own_signed_in_user(app, outbox):
    user = factories.user(app, "startup")
    owner = app.test_client()
    factories.login(owner, user)
    owner.post("/account", data=_email_change())
    link = _link(outbox)
    anonymous = app.test_client().get(link)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    stranger = app.test_client()
    factories.login(stranger, factories.user(app, "startup"))
    get_page(stranger, link, status=400)
    assert stranger.post("/account/email", data={"token": link.split("token=")[1]}
                         ).status_code == 400
    assert _email_of(app, user.id) == user.email


def test_a_taken_address_answers_the_same_and_its_owner_is_mailed(app, outbox):
    owner = factories.user(app, "startup", email="taken@town.example.jp")
    answers = []
    for address in ("taken@town.example.jp", NEW):
        client = app.test_client()
        user = factories.user(app, "municipality")
        factories.login(client, user)
        outbox.clear()
        response = client.post("/account", data=_email_change(address))
        assert response.status_code == 302
        page = get_page(client, response.headers["Location"])
        answers.append([m.replace(address, "ADDRESS") for m in flash_messages(page)])
        (mail,) = outbox.messages()
        assert mail["To"] == address
        if address == owner.email:
            assert "/account/email" not in mail.get_body(("plain",)).get_content()
    assert answers[0] == answers[1] and answers[0]
    assert _email_of(app, owner.id) == owner.email


def test_bad_e_mail_change_requests_keep_what_was_typed(client, app, outbox):
    user = factories.user(app, "startup", two_step=True)
    factories.login(client, user)
    outbox.clear()
    page = post_page(client, "/account", _email_change(password="wrong-password-1",
                                                       code=factories.totp_code(user, 1)),
                     status=400)
    assert field_errors(page, "email-password")
    assert field_value(page, "email-email") == NEW
    assert field_value(page, "email-password") in (None, "")  # never sent back
    page = post_page(client, "/account", _email_change(code="000000"), status=400)
    assert field_errors(page, "email-code")
    page = post_page(client, "/account", _email_change(user.email.upper(),
                                                       code=factories.totp_code(user, 1)),
                     status=400)
    assert field_errors(page, "email-email")
    assert outbox.messages() == []


def test_expired_and_forged_links_are_refused(client, app, outbox, monkeypatch):
    user = factories.user(app, "startup")
    factories.login(client, user)
    client.post("/account", data=_email_change())
    link = _link(outbox)
    assert "無効" in text(get_page(client, link[:-3] + "abc", status=400).main)
    monkeypatch.setitem(app.config, "EMAIL_CHANGE_TOKEN_MAX_AGE", -1)
    assert "有効期限" in text(get_page(client, link, status=400).main)
    assert client.post("/account/email", data={"token": link.split("token=")[1]}
                       ).status_code == 400
    assert _email_of(app, user.id) == user.email


def test_e_mail_change_requests_are_limited_per_user(client, app, monkeypatch, outbox):
    monkeypatch.setitem(app.config, "EMAIL_CHANGE_LIMIT", "2 per hour")
    factories.login(client, factories.user(app, "startup"))
    outbox.clear()
    statuses = [client.post("/account", data=_email_change(f"n{i}@town.example.jp")
                            ).status_code for i in range(3)]
    assert statuses == [302, 302, 429]
    assert len(outbox.messages()) == 2
    language = client.post("/account", data={"form": "language", "lang-locale": "en"})
    assert language.status_code == 302  # the page's other forms are not limited by it


def test_refused_password_and_e_mail_changes_are_limited_per_user(client, app):
    factories.login(client, factories.user(app, "startup"))
    wrong = {**_password_change(), "pw-current_password": "wrong-password-1"}
    statuses = [client.post("/account", data=wrong).status_code for _ in range(11)]
    assert statuses == [400] * 10 + [429]
