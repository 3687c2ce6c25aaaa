"""Account pages: what people type is kept, errors are clear, limits and CSRF hold."""
from __future__ import annotations

import re

import pytest

from govtech import create_app
from tests import factories
from tests.html import (
    alerts,
    field_errors,
    field_value,
    flash_messages,
    get_page,
    post_page,
    text,
)

SIGNUP = {"kind": "municipality", "org_name": "さいたま市", "prefecture": "11",
          "lg_code": "111007", "name": "埼玉 太郎", "email": "dx@city.saitama.example",
          "password": "kawagoe-lantern-route-58", "password_confirm": "kawagoe-lantern-route-58"}


def _confirm_link(outbox) -> str:
    return re.search(r"https?://\S+/signup/confirm/\S+", outbox.last_body()).group(0)


def test_signup_then_confirm_then_waiting_home(client, outbox):
    """Issue 10 item 5: the sign-up is not signed in until its address is confirmed."""
    response = client.post("/signup", data=SIGNUP)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert client.get("/home").status_code == 302  # not signed in
    refused = post_page(client, "/login", {"email": SIGNUP["email"],
                                           "password": SIGNUP["password"]}, status=401)
    assert refused.select_one("a[href$='/signup/resend']") is not None
    response = client.get(_confirm_link(outbox))
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert client.get("/home").status_code == 302  # the link opens no session by itself
    client.post("/login", data={"email": SIGNUP["email"], "password": SIGNUP["password"]})
    assert "承認を待っています" in text(get_page(client, "/home").main)
    assert client.get(_confirm_link(outbox)).status_code == 400  # used


def _answer(page) -> str:
    """What a page says, without the CSRF token (which differs on every page)."""
    for token in page.select("input[name=csrf_token]"):
        token.decompose()
    return str(page.select_one("main"))


def test_signup_errors_keep_what_was_typed(client):
    page = post_page(client, "/signup", {**SIGNUP, "lg_code": "111008",
                                         "password_confirm": "different-one-1"}, status=400)
    assert any("検査数字" in error for error in field_errors(page, "lg_code"))
    assert any("一致しません" in error for error in field_errors(page, "password_confirm"))
    assert field_value(page, "org_name") == "さいたま市"
    assert field_value(page, "email") == "dx@city.saitama.example"


def test_signup_with_a_taken_address_answers_the_same(app, outbox):
    """Issue 10 item 4 changes the old behaviour (an error on the e-mail field said the address
    had an account): the page is the same, and the address's owner is told by mail."""
    factories.user(app, "startup", email="dx@city.saitama.example")
    pages = []
    for email in ("dx@city.saitama.example", "new@city.saitama.example"):
        client = app.test_client()
        response = client.post("/signup", data={**SIGNUP, "email": email, "lg_code": ""})
        assert response.status_code == 302
        page = get_page(client, response.headers["Location"])
        pages.append(_answer(page).replace(email, "ADDRESS"))
    assert pages[0] == pages[1]
    first, second = outbox.messages()[-2:]
    assert first["To"] == "dx@city.saitama.example" and "/signup/confirm/" not in \
        first.get_body(("plain",)).get_content()
    assert "/signup/confirm/" in second.get_body(("plain",)).get_content()


def test_login_answers_the_same_for_an_unknown_address(app):
    user = factories.user(app, "startup")
    known = post_page(app.test_client(), "/login", {"email": user.email,
                                                    "password": "wrong-one-11"}, status=401)
    unknown = post_page(app.test_client(), "/login", {"email": "nobody@example.jp",
                                                      "password": "wrong-one-11"}, status=401)
    assert _answer(known).replace(user.email, "X") == _answer(unknown).replace(
        "nobody@example.jp", "X")


def test_weak_password_says_why_in_japanese_and_english(client):
    page = post_page(client, "/signup", {**SIGNUP, "password": "password1234",
                                         "password_confirm": "password1234"}, status=400)
    (japanese,) = field_errors(page, "password")
    assert "Add another word" not in japanese  # never zxcvbn's own English (services.passwords)
    page = post_page(client, "/signup?lang=en", {**SIGNUP, "password": "password1234",
                                                 "password_confirm": "password1234"}, status=400)
    assert "common" in field_errors(page, "password")[0]
    mine = post_page(client, "/signup?lang=en", {**SIGNUP, "password": "kawagoe-saitama-1234",
                                                 "password_confirm": "kawagoe-saitama-1234"},
                     status=400)
    assert "e-mail" in field_errors(mine, "password")[0]


def test_signup_is_limited_per_address(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNUP_LIMIT_PER_ADDRESS", "2 per hour")
    statuses = [client.post("/signup", data={**SIGNUP, "email": f"a{i}@x.example",
                                             "lg_code": ""}).status_code for i in range(3)]
    assert statuses == [302, 302, 429]


def test_overlong_field_is_refused_with_message(client):
    page = post_page(client, "/signup", {**SIGNUP, "org_name": "市" * 201}, status=400)
    assert any("200" in error for error in field_errors(page, "org_name"))


def test_wrong_password_is_401_with_message(client, app):
    user = factories.user(app, "startup")
    page = post_page(client, "/login", {"email": user.email, "password": "wrong-password"},
                     status=401)
    assert any("正しくありません" in alert for alert in alerts(page))


def test_failed_logins_are_limited_per_account(client, app):
    user = factories.user(app, "startup")
    statuses = [client.post("/login", data={"email": user.email, "password": "nope-nope-1"})
                .status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    page = post_page(client, "/login", {"email": user.email, "password": user.password},
                     status=429)
    assert "数分待って" in text(page.main)


def test_failed_logins_are_limited_per_address(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "3 per 15 minutes")
    statuses = [client.post("/login", data={"email": f"who{i}@x.example", "password": "n0pe-n0pe"})
                .status_code for i in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_successful_logins_are_not_counted(client, app):
    user = factories.user(app, "startup")
    for _ in range(7):
        factories.login(client, user)
        client.post("/logout")


def test_suspended_user_is_logged_out_and_refused(client, app):
    user = factories.user(app, "startup", state="suspended")
    page = post_page(client, "/login", {"email": user.email, "password": user.password},
                     status=401)
    assert any("停止" in alert for alert in alerts(page))


def test_missing_csrf_token_is_400_with_message(tmp_path):
    app = create_app({"CONFIG_NAME": "test", "WTF_CSRF_ENABLED": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/csrf.sqlite3"})
    page = post_page(app.test_client(), "/login", {"email": "a@b.example", "password": "x"},
                     status=400)
    assert "フォームの有効期限" in text(page.main)


def test_password_reset_by_mail(client, app, outbox):
    user = factories.user(app, "municipality")
    client.post("/password/forgot", data={"email": user.email})
    link = re.search(r"http://localhost(/password/reset/\S+)", outbox.last_body()).group(1)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": "fresh-secret-77", "password_confirm":
                                       "fresh-secret-77"})
    assert response.status_code == 302
    client.post("/logout")
    assert "すでに使用" in text(get_page(client, link, status=400).main)


def test_forgot_password_does_not_reveal_accounts(client, outbox):
    response = client.post("/password/forgot", data={"email": "nobody@nowhere.example"})
    assert response.status_code == 302 and outbox.messages() == []


def test_change_password_page(client, login_as):
    login_as("startup")
    bad = post_page(client, "/account", {"form": "password", "pw-current_password": "wrong-one-1",
                                         "pw-password": "new-secret-123",
                                         "pw-password_confirm": "new-secret-123"}, status=400)
    assert any("現在のパスワード" in error for error in field_errors(bad, "pw-current_password"))
    ok = client.post("/account", data={"form": "password",
                                       "pw-current_password": factories.PASSWORD,
                                       "pw-password": "new-secret-123",
                                       "pw-password_confirm": "new-secret-123"})
    assert ok.status_code == 302


def test_invite_colleague_page(client, login_as, outbox):
    login_as("municipality")
    response = client.post("/account/invite", data={"name": "同僚", "email": "mate@city.example"})
    assert response.status_code == 302
    assert "/invitation/" in outbox.last_body()


def test_invite_answers_the_same_for_an_existing_address(app, outbox):
    admin = factories.user(app, "municipality")
    other = factories.user(app, "startup")
    answers = []
    for email in (other.email, "new-colleague@city.example"):
        client = app.test_client()
        factories.login(client, admin)
        outbox.clear()
        response = client.post("/account/invite", data={"name": "同僚", "email": email})
        assert response.status_code == 302
        page = get_page(client, response.headers["Location"])
        answers.append([message.replace(email, "ADDRESS") for message in flash_messages(page)])
        sent = outbox.messages()
    assert len(sent) == 1  # the new address only: the existing one is not mailed
    assert answers[0] == answers[1] and answers[0]


@pytest.mark.parametrize("next_url,expected", [("/admin/organisations", "/admin/organisations"),
                                               ("https://evil.example/", "/home"),
                                               ("//evil.example/", "/home")])
def test_login_next_stays_on_site(client, app, next_url, expected):
    user = factories.user(app, "manager")
    response = client.post(f"/login?next={next_url}", data={"email": user.email,
                                                            "password": user.password})
    assert response.headers["Location"].endswith(expected)
