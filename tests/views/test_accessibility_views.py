"""The accessibility policy page, the footer link to it, the session time-out warning's
"stay signed in" endpoint, and the form macro's error summary and required marks."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from govtech.extensions import db
from govtech.models import UserSession
from govtech.services import sessions
from tests import factories
from tests.clock import travel
from tests.html import flash_messages, get_page, post_page, text, texts

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
JSON = {"Accept": "application/json"}


@pytest.mark.parametrize("lang, title, level", [("ja", "アクセシビリティ方針", "適合レベルAA準拠"),
                                                ("en", "Accessibility policy",
                                                 "Level AA conformance")])
def test_policy_page_lists_every_wcag21_a_and_aa_criterion(client, lang, title, level):
    """Fifty rows (30 at level A, 20 at AA), each with how it is checked and the outcome; the
    target level and the date are stated, in both languages."""
    page = get_page(client, f"/accessibility?lang={lang}")
    assert text(page.h1) == title
    assert level in text(page.select_one(".statement-facts"))
    assert "JIS X 8341-3:2016" in text(page.main)
    rows = page.select(".statement-table tbody tr")
    assert len(rows) == 50
    levels = [text(row.select("td")[0]) for row in rows]
    assert levels.count("A") == 30 and levels.count("AA") == 20
    assert all(text(row.select("td")[1]) and text(row.select("td")[2]) for row in rows)
    numbers = [text(row.th).split()[0] for row in rows]
    assert {"1.4.10", "2.2.1", "4.1.3"} <= set(numbers)


@pytest.mark.parametrize("url", ["/", "/login", "/accessibility"])
def test_every_page_links_the_policy_from_its_footer(client, url):
    assert "/accessibility" in [a["href"] for a in get_page(client, url).select("footer a")]


def test_signed_in_pages_link_it_too(client, login_as):
    login_as("startup")
    footer = get_page(client, "/home").select_one("footer")
    assert footer.find("a", href="/accessibility") is not None


def test_extend_answers_the_idle_time_and_counts_as_a_visit(client, app, monkeypatch):
    """The warning's button keeps the session alive: the server notes the visit and says how
    long the session now lasts without another."""
    clock = travel(monkeypatch, sessions, T0)
    factories.login(client, factories.user(app, "startup"))
    clock.advance(minutes=app.config["SESSION_IDLE_MINUTES"] - 1)
    response = client.post("/account/session/extend", headers=JSON)
    assert response.status_code == 200
    assert response.get_json() == {"idle_seconds": app.config["SESSION_IDLE_MINUTES"] * 60}
    with app.app_context():
        (record,) = db.session.scalars(select(UserSession)).all()
        assert record.last_seen_at.replace(tzinfo=UTC) == clock.now
    # The idle limit now counts from the extension: still signed in just before it ends.
    clock.advance(minutes=app.config["SESSION_IDLE_MINUTES"] - 1)
    assert client.get("/home").status_code == 200


def test_extend_without_javascript_is_a_form_back_to_the_page(client, login_as):
    login_as("municipality")
    page = post_page(client, "/account/session/extend", {"next": "/challenges/"},
                     follow_redirects=True)
    assert "ログインを継続しました。" in flash_messages(page)
    assert text(page.h1)  # the challenges list, not the login page
    response = client.post("/account/session/extend", data={"next": "https://evil.example/"})
    assert response.headers["Location"].endswith("/home")


def test_extend_after_the_session_ended_leads_to_the_login_page(client, app, monkeypatch):
    clock = travel(monkeypatch, sessions, T0)
    factories.login(client, factories.user(app, "startup"))
    clock.advance(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    response = client.post("/account/session/extend", headers=JSON)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_extend_needs_the_csrf_token(tmp_path):
    from govtech import create_app

    app = create_app({"CONFIG_NAME": "test", "WTF_CSRF_ENABLED": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/csrf.sqlite3"})
    post_page(app.test_client(), "/account/session/extend", {}, status=400, headers=JSON)


def test_signed_in_pages_carry_the_time_out_warning(client, app, login_as):
    login_as("startup")
    page = get_page(client, "/home")
    dialog = page.select_one("dialog#session-dialog")
    assert dialog["data-idle-seconds"] == str(app.config["SESSION_IDLE_MINUTES"] * 60)
    assert int(dialog["data-warn-seconds"]) > 0
    assert dialog.select_one("form")["action"] == "/account/session/extend"
    assert page.find("script", src="/static/js/session.js") is not None
    assert get_page(app.test_client(), "/").select_one("dialog") is None


def test_form_errors_are_summarised_with_links_to_their_fields(client, login_as):
    """An error summary (role=alert) links each wrong field; the field is aria-invalid and
    described by its error; required fields say so in text."""
    login_as("municipality")
    form = get_page(client, "/challenges/new")
    assert "必須" in texts(form, "label + .req")
    page = post_page(client, "/challenges/new", {"title": ""}, status=400)
    summary = page.select_one("main .error-summary[role=alert]")
    links = {a["href"]: text(a) for a in summary.select("a")}
    assert links.get("#title") == "タイトル"
    field = page.select_one("#title")
    assert field["aria-invalid"] == "true"
    described = field["aria-describedby"].split()
    assert "title-error" in described
    assert text(page.select_one("#title-error"))
