"""Members pages (issue 10 item 3), one's own data (item 8) and the confirmation pages (item 5)
from the outside."""
from __future__ import annotations

import json

from tests import factories
from tests.html import field_errors, flash_messages, form_errors, get_page, post_page, text


def _act(client, user_id: int, action: str, seen: str, status: int = 302, confirm: str = "yes"):
    response = client.post("/account/members/action", data={
        "user": user_id, "action": action, "seen": seen, "next": "/account/members",
        "confirm": confirm})
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return response


def test_the_administrator_lists_and_disables_a_member_who_is_signed_out_at_once(app, client):
    admin = factories.user(app, "municipality")
    member = factories.user(app, "municipality", org_id=admin.org_id)
    theirs = app.test_client()
    factories.login(theirs, member)
    factories.login(client, admin)
    page = get_page(client, "/account/members")
    assert member.email in text(page.select_one("#members"))
    assert page.select_one(f"tr[data-member='{member.id}'] button") is not None
    _act(client, member.id, "disable", "active")
    assert theirs.get("/home").status_code == 302  # the replayed cookie: the login page
    refused = post_page(app.test_client(), "/login", {"email": member.email,
                                                      "password": member.password}, status=401)
    assert refused is not None
    _act(client, member.id, "enable", "disabled")
    factories.login(app.test_client(), member)


def test_a_plain_member_sees_the_list_without_buttons_and_cannot_act(app, client):
    admin = factories.user(app, "municipality")
    member = factories.user(app, "municipality", org_id=admin.org_id)
    factories.login(client, member)
    page = get_page(client, "/account/members")
    assert page.select("#members button") == []
    _act(client, admin.id, "disable", "active", status=404)


def test_bad_member_requests_are_refused_with_a_message(app, client):
    admin = factories.user(app, "municipality")
    member = factories.user(app, "municipality", org_id=admin.org_id)
    stranger = factories.user(app, "startup")
    factories.login(client, admin)
    _act(client, stranger.id, "disable", "active", status=404)  # not in one's organisation
    _act(client, member.id, "enable", "disabled", status=409)  # a stale form
    page = get_page(client, "/account/members")  # nothing changed
    assert page.select_one(f"tr[data-member='{member.id}'] input[name=action][value=disable]")
    response = client.post("/account/members/action", data={"user": "x"})
    assert response.status_code == 302  # an invalid form: the list again, with a message


def test_disabling_a_member_needs_the_box_that_names_them_ticked(app, client):
    """Disabling sits under 「その他の操作」 with a box naming the member; without it nothing
    changes and the list says why."""
    admin = factories.user(app, "municipality")
    member = factories.user(app, "municipality", org_id=admin.org_id)
    factories.login(client, admin)
    page = get_page(client, "/account/members")
    row = page.select_one(f"tr[data-member='{member.id}']")
    box = row.select_one("details.more-actions form input[name=confirm][required]")
    name = row.select_one("td").find(string=True).strip()
    assert box is not None and name and name in text(box.parent)
    assert row.select_one("details.more-actions button.button--danger") is not None
    _act(client, member.id, "disable", "active", confirm="")
    page = get_page(client, "/account/members")
    assert any("tick the box" in m.lower() or "チェック" in m for m in flash_messages(page))
    assert page.select_one(f"tr[data-member='{member.id}'] input[name=action][value=disable]")
    _act(client, member.id, "disable", "active")
    page = get_page(client, "/account/members")
    assert page.select_one(f"tr[data-member='{member.id}'] input[name=action][value=enable]")


def test_managers_see_an_organisations_members_and_the_managers(app, client):
    admin = factories.user(app, "startup")
    manager = factories.user(app, "manager")
    other = factories.user(app, "manager")
    factories.login(client, manager)
    page = get_page(client, f"/admin/organisations/{admin.org_id}/members")
    assert admin.email in text(page.select_one("#members"))
    managers = get_page(client, "/admin/managers")
    assert other.email in text(managers.select_one("#members"))
    response = client.post("/account/members/action", data={
        "user": other.id, "action": "disable", "seen": "active", "next": "/admin/managers",
        "confirm": "yes"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/managers")
    get_page(client, "/admin/organisations/999999/members", status=404)


def test_my_data_downloads_as_json_without_caching(app, client):
    user = factories.user(app, "startup")
    factories.login(client, user)
    response = client.get("/account/data.json")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["email"] == user.email and data["sessions"]


def test_delete_my_account(app, client):
    admin = factories.user(app, "municipality")
    member = factories.user(app, "municipality", org_id=admin.org_id)
    factories.login(client, member)
    wrong = post_page(client, "/account/delete", {"password": "not-mine-at-all-1",
                                                  "confirm": "y"}, status=400)
    assert field_errors(wrong, "password")
    response = client.post("/account/delete", data={"password": member.password,
                                                    "confirm": "y"})
    assert response.status_code == 302
    assert client.get("/home").status_code == 302  # signed out
    post_page(app.test_client(), "/login", {"email": member.email,
                                            "password": member.password}, status=401)


def test_resend_confirmation_answers_the_same(app, outbox):
    answers = []
    for email in ("nobody@example.jp", factories.user(app, "startup").email):
        client = app.test_client()
        response = client.post("/signup/resend", data={"email": email})
        assert response.status_code == 302
        answers.append(flash_messages(get_page(client, response.headers["Location"])))
    assert answers[0] == answers[1] and answers[0]


def test_a_delayed_login_is_429_with_a_message(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_DELAY_AFTER", 2)
    user = factories.user(app, "startup")
    for _ in range(2):
        client.post("/login", data={"email": user.email, "password": "wrong-guess-000"})
    page = post_page(client, "/login", {"email": user.email, "password": user.password},
                     status=429)
    assert page.select(".alert, .form-errors, [role=alert]")


def test_the_confirmation_mail_speaks_the_sign_up_pages_language(app, client, outbox):
    from tests.views.test_auth_views import SIGNUP

    response = client.post("/signup?lang=en", data={**SIGNUP, "lg_code": ""})
    assert response.status_code == 302
    assert "Please confirm your e-mail address" in outbox.last_body()
    with app.app_context():
        from govtech.services import accounts

        assert accounts.find_user(SIGNUP["email"]).locale == "en"


def test_the_last_manager_cannot_delete_their_account(app, client):
    manager = factories.user(app, "manager")
    with app.app_context():  # the organisations' approvers made by the factories: none here
        from sqlalchemy import func, select

        from govtech.extensions import db
        from govtech.models import Role, User

        assert db.session.scalar(select(func.count(User.id)).where(
            User.role == Role.manager)) == 1
    factories.login(client, manager)
    page = post_page(client, "/account/delete", {"password": manager.password, "confirm": "y"},
                     status=400)
    assert form_errors(page)  # the reason, above the form
    factories.login(app.test_client(), manager)  # still there


def test_invitations_per_day_are_limited_with_a_message(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "INVITES_PER_ORG_PER_DAY", 1)
    factories.login(client, factories.user(app, "municipality"))
    client.post("/account/invite", data={"name": "一人目", "email": "one@city.example"})
    page = post_page(client, "/account/invite", {"name": "二人目", "email": "two@city.example"},
                     status=400)
    assert form_errors(page)  # the reason, above the form
