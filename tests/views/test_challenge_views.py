"""Challenge pages: what each role sees, forms that keep input, sanitised Markdown."""
from __future__ import annotations

import pytest

from tests import factories
from tests.html import (
    anywhere,
    field_errors,
    field_value,
    form_errors,
    get_page,
    post_page,
    targets,
    text,
    texts,
)

XSS = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    "[x](JaVaScRiPt:alert(1))",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "![x](javascript:alert(1))",
    "<details open ontoggle=alert(1)>",
]


def test_public_sees_summary_only(client, app):
    owner = factories.user(app, "municipality")
    cid = factories.challenge(app, owner, description="秘密の詳細")
    page = get_page(client, f"/challenges/{cid}")
    assert "災害時の情報伝達" in text(page.main) and not anywhere(page, "秘密の詳細")


def test_members_see_details(client, app, login_as):
    owner = factories.user(app, "municipality")
    cid = factories.challenge(app, owner, description="詳細な背景")
    login_as("startup")
    page = get_page(client, f"/challenges/{cid}")
    assert "詳細な背景" in text(page.select_one(".panel.markdown"))


@pytest.mark.parametrize("payload", XSS)
def test_markdown_is_sanitised(client, app, login_as, payload):
    owner = login_as("municipality")
    cid = factories.challenge(app, owner, description=payload)
    page = get_page(client, f"/challenges/{cid}")
    body = page.select_one(".panel.markdown")
    elements = body.find_all(True)  # real markup only: escaped text is not an element
    assert not {"script", "iframe", "svg", "img", "details", "div"} & {e.name for e in elements}
    for element in elements:
        for name, value in element.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value  # class, rel
            assert not name.startswith("on") and name != "style"
            assert not (value or "").strip().lower().startswith("javascript:")


def test_editing_someone_elses_challenge_is_403(client, app, login_as):
    owner = factories.user(app, "municipality")
    cid = factories.challenge(app, owner)
    login_as("municipality")
    assert client.get(f"/challenges/{cid}/edit").status_code == 403
    response = client.post(f"/challenges/{cid}/edit", data={"title": "改ざん", "version": 1})
    assert response.status_code == 403
    assert not anywhere(get_page(client, f"/challenges/{cid}"), "改ざん")


def test_bad_input_keeps_the_form(client, login_as):
    login_as("municipality")
    page = post_page(client, "/challenges/new", {
        "title": "テレワーク環境の整備", "description": "本文を残す", "budget_min": "-5",
        "categories": ["work_style"], "tags": "テレワーク", "deadline": "2020-01-01"}, status=400)
    assert field_value(page, "title") == "テレワーク環境の整備"
    assert field_value(page, "description") == "本文を残す"


def test_past_deadline_refused_with_message(client, login_as):
    login_as("municipality")
    page = post_page(client, "/challenges/new", {"title": "課題", "deadline": "2020-01-01"},
                     status=400)
    assert any("過去" in error for error in field_errors(page, "deadline"))


def test_create_open_and_find(client, login_as):
    login_as("municipality")
    response = client.post("/challenges/new", data={
        "title": "防災アプリの導入", "summary": "避難情報を配信", "categories": ["disaster"],
        "tags": "防災, LINE"})
    assert response.status_code == 302
    url = response.headers["Location"]
    client.post(url + "/state", data={"state": "open"})
    client.post("/logout")
    page = get_page(client, "/challenges/?q=防災")
    assert texts(page, ".item-title") == ["防災アプリの導入"] and "1件の課題" in text(page.main)
    past_the_end = get_page(client, "/challenges/?q=防災&page=3")
    assert not anywhere(past_the_end, "防災アプリの導入")


def test_second_editor_is_told(client, app, login_as):
    owner = login_as("municipality")
    cid = factories.challenge(app, owner)
    edit_page = get_page(client, f"/challenges/{cid}/edit")
    version = edit_page.select_one('input[name="version"][type="hidden"]')["value"]
    assert version.isdigit()
    form = {"title": "一人目", "summary": "s", "categories": ["disaster"], "version": version}
    assert client.post(f"/challenges/{cid}/edit", data=form).status_code == 302
    page = post_page(client, f"/challenges/{cid}/edit", {**form, "title": "二人目"}, status=400)
    assert any("他の人" in error for error in form_errors(page))
    assert field_value(page, "title") == "二人目"


def test_preview_renders_without_saving(client, login_as):
    login_as("municipality")
    page = post_page(client, "/challenges/new", {"title": "t", "description": "**太字**",
                                                "preview": "1"})
    assert texts(page, ".preview strong") == ["太字"]


def test_startup_edits_profile_and_capabilities(client, app, login_as):
    user = login_as("startup")
    response = client.post(f"/startups/{user.org_id}/capabilities/new", data={
        "title": "母子手帳アプリ", "description": "子育て支援", "categories": ["childcare"],
        "tags": "子育て", "track_record": "金沢市, 2022, 導入\n由利本荘市、2023",
        "regions": ["all"]})
    assert response.status_code == 302
    page = text(get_page(client, f"/startups/{user.org_id}").main)
    assert "母子手帳アプリ" in page and "金沢市" in page
    assert "母子手帳アプリ" in text(get_page(client, "/startups/?q=子育て").main)


def test_bad_track_record_line_is_explained(client, login_as):
    user = login_as("startup")
    page = post_page(client, f"/startups/{user.org_id}/capabilities/new", {
        "title": "x", "track_record": "金沢市 去年"}, status=400)
    assert any("金沢市 去年" in error for error in field_errors(page, "track_record"))


def test_other_startup_cannot_edit_profile(client, app, login_as):
    other = factories.user(app, "startup")
    login_as("startup")
    assert client.get(f"/startups/{other.org_id}/edit").status_code == 403


def test_pending_startup_is_not_listed(client, app, login_as):
    pending = factories.user(app, "startup", state="pending")
    login_as("municipality")
    assert client.get(f"/startups/{pending.org_id}").status_code == 404


def test_challenge_page_leads_to_applying_and_reviewing(client, app):
    town = factories.user(app, "municipality")
    cid = factories.challenge(app, town)
    startup = factories.user(app, "startup")
    factories.login(client, startup)
    assert f"/challenges/{cid}/apply" in targets(get_page(client, f"/challenges/{cid}"))
    client.post("/logout")
    factories.login(client, town)
    page = get_page(client, f"/challenges/{cid}")
    assert f"/challenges/{cid}/proposals" in targets(page)
    assert not anywhere(page, f"/challenges/{cid}/apply")
