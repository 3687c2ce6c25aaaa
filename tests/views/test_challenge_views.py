"""Challenge pages: what each role sees, forms that keep input, sanitised Markdown."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests import factories

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


class _Elements(HTMLParser):
    """Collects the tags and attributes that really are markup (escaped text is not)."""

    def __init__(self):
        super().__init__()
        self.tags, self.attributes = set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]


def test_public_sees_summary_only(client, app):
    owner = factories.user(app, "municipality")
    cid = factories.challenge(app, owner, description="秘密の詳細")
    page = client.get(f"/challenges/{cid}").get_data(as_text=True)
    assert "災害時の情報伝達" in page and "秘密の詳細" not in page


def test_members_see_details(client, app, login_as):
    owner = factories.user(app, "municipality")
    cid = factories.challenge(app, owner, description="詳細な背景")
    login_as("startup")
    assert "詳細な背景" in client.get(f"/challenges/{cid}").get_data(as_text=True)


@pytest.mark.parametrize("payload", XSS)
def test_markdown_is_sanitised(client, app, login_as, payload):
    owner = login_as("municipality")
    cid = factories.challenge(app, owner, description=payload)
    page = client.get(f"/challenges/{cid}").get_data(as_text=True)
    body = page.split('class="panel markdown"', 1)[1].split("</div>", 1)[0]
    parser = _Elements()
    parser.feed(body)
    assert not {"script", "iframe", "svg", "img", "details", "div"} & parser.tags
    for _tag, name, value in parser.attributes:
        assert not name.startswith("on") and name != "style"
        assert not (value or "").strip().lower().startswith("javascript:")


def test_editing_someone_elses_challenge_is_403(client, app, login_as):
    owner = factories.user(app, "municipality")
    cid = factories.challenge(app, owner)
    login_as("municipality")
    assert client.get(f"/challenges/{cid}/edit").status_code == 403
    response = client.post(f"/challenges/{cid}/edit", data={"title": "改ざん", "version": 1})
    assert response.status_code == 403
    assert "改ざん" not in client.get(f"/challenges/{cid}").get_data(as_text=True)


def test_bad_input_keeps_the_form(client, login_as):
    login_as("municipality")
    response = client.post("/challenges/new", data={
        "title": "テレワーク環境の整備", "description": "本文を残す", "budget_min": "-5",
        "categories": ["work_style"], "tags": "テレワーク", "deadline": "2020-01-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "テレワーク環境の整備" in page and "本文を残す" in page


def test_past_deadline_refused_with_message(client, login_as):
    login_as("municipality")
    response = client.post("/challenges/new", data={"title": "課題", "deadline": "2020-01-01"})
    assert response.status_code == 400 and "過去" in response.get_data(as_text=True)


def test_create_open_and_find(client, login_as):
    login_as("municipality")
    response = client.post("/challenges/new", data={
        "title": "防災アプリの導入", "summary": "避難情報を配信", "categories": ["disaster"],
        "tags": "防災, LINE"})
    assert response.status_code == 302
    url = response.headers["Location"]
    client.post(url + "/state", data={"state": "open"})
    client.post("/logout")
    page = client.get("/challenges/?q=防災").get_data(as_text=True)
    assert "防災アプリの導入" in page and "1 件の課題" in page
    past_the_end = client.get("/challenges/?q=防災&page=3").get_data(as_text=True)
    assert "防災アプリの導入" not in past_the_end


def test_second_editor_is_told(client, app, login_as):
    owner = login_as("municipality")
    cid = factories.challenge(app, owner)
    edit_page = client.get(f"/challenges/{cid}/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', edit_page).group(1)
    form = {"title": "一人目", "summary": "s", "categories": ["disaster"], "version": version}
    assert client.post(f"/challenges/{cid}/edit", data=form).status_code == 302
    second = client.post(f"/challenges/{cid}/edit", data={**form, "title": "二人目"})
    page = second.get_data(as_text=True)
    assert second.status_code == 400 and "他の人" in page and "二人目" in page


def test_preview_renders_without_saving(client, login_as):
    login_as("municipality")
    response = client.post("/challenges/new", data={"title": "t", "description": "**太字**",
                                                    "preview": "1"})
    assert "<strong>太字</strong>" in response.get_data(as_text=True)


def test_startup_edits_profile_and_capabilities(client, app, login_as):
    user = login_as("startup")
    response = client.post(f"/startups/{user.org_id}/capabilities/new", data={
        "title": "母子手帳アプリ", "description": "子育て支援", "categories": ["childcare"],
        "tags": "子育て", "track_record": "金沢市, 2022, 導入\n由利本荘市、2023",
        "regions": ["all"]})
    assert response.status_code == 302
    page = client.get(f"/startups/{user.org_id}").get_data(as_text=True)
    assert "母子手帳アプリ" in page and "金沢市" in page
    assert "母子手帳アプリ" in client.get("/startups/?q=子育て").get_data(as_text=True)


def test_bad_track_record_line_is_explained(client, login_as):
    user = login_as("startup")
    response = client.post(f"/startups/{user.org_id}/capabilities/new", data={
        "title": "x", "track_record": "金沢市 去年"})
    assert response.status_code == 400 and "金沢市 去年" in response.get_data(as_text=True)


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
    assert f"/challenges/{cid}/apply" in client.get(f"/challenges/{cid}").get_data(as_text=True)
    client.post("/logout")
    factories.login(client, town)
    page = client.get(f"/challenges/{cid}").get_data(as_text=True)
    assert f"/challenges/{cid}/proposals" in page and f"/challenges/{cid}/apply" not in page
