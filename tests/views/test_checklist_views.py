"""The checklist on the pair's page: record, waive, undo, due dates, the move form saying what
blocks it, the 協定書 draft download; refusals keep what was typed."""
from __future__ import annotations

import io

import pytest
from docx import Document

from tests import factories
from tests.html import field_errors, field_value, flash_messages, get_page, post_page, texts


@pytest.fixture
def pair(app):
    users = {"municipality": factories.user(app, "municipality"),
             "startup": factories.user(app, "startup"),
             "manager": factories.user(app, "manager")}
    cid = factories.challenge(app, users["municipality"], title="河川水位の見える化")
    return users, cid


def _pilot(app, pair, stage):
    users, cid = pair
    return factories.pilot(app, users["manager"], cid, users["startup"].org_id, stage=stage)


def test_the_move_form_says_what_blocks_it_then_the_record_lets_it_through(client, app, pair):
    users, _ = pair
    pid = _pilot(app, pair, "meeting")
    factories.login(client, users["startup"])
    page = get_page(client, f"/pilots/{pid}")
    assert texts(page, ".checklist-blocking li") == ["初回面談の議事メモを残す"]
    refused = post_page(client, f"/pilots/{pid}/move", {
        "target": "proposal", "version": field_value(page, "version"), "note": "提案へ"},
        status=400)
    assert any("初回面談の議事メモを残す" in t for t in texts(refused, ".error-summary"))
    assert field_value(refused, "note") == "提案へ"
    post_page(client, f"/pilots/{pid}/checklist/record",
              {"key": "meeting_notes", "meeting_notes-record-body": "課題と範囲を確認"}, status=302)
    page = get_page(client, f"/pilots/{pid}")
    assert not texts(page, ".checklist-blocking li")
    assert "課題と範囲を確認" in " ".join(texts(page, ".checklist-record"))
    assert "記録" in " ".join(texts(page, ".timeline li"))
    post_page(client, f"/pilots/{pid}/move", {
        "target": "proposal", "version": field_value(page, "version")}, status=302)


def test_a_waiver_without_a_reason_is_refused_and_the_form_stays_open(client, app, pair):
    users, _ = pair
    pid = _pilot(app, pair, "agreement")
    factories.login(client, users["municipality"])
    page = post_page(client, f"/pilots/{pid}/checklist/waive",
                     {"key": "pilot_plan", "pilot_plan-waive-reason": "   "}, status=400)
    assert field_errors(page, "pilot_plan-waive-reason") == ["省略する理由を入力してください。"]
    assert page.select_one("#item-pilot_plan details[open] #pilot_plan-waive-reason")
    post_page(client, f"/pilots/{pid}/checklist/waive",
              {"key": "pilot_plan", "pilot_plan-waive-reason": "協定書の別紙に含めた"},
              status=302)
    page = get_page(client, f"/pilots/{pid}")
    assert "協定書の別紙に含めた" in " ".join(texts(page, ".checklist-waiver"))
    post_page(client, f"/pilots/{pid}/checklist/reopen", {"key": "pilot_plan"}, status=302)
    page = get_page(client, f"/pilots/{pid}")
    assert texts(page, ".checklist-blocking li") == ["実証計画書を作成する"]


def test_a_bad_amount_keeps_what_was_typed(client, app, pair):
    users, _ = pair
    pid = _pilot(app, pair, "budgeting")
    factories.login(client, users["municipality"])
    page = post_page(client, f"/pilots/{pid}/checklist/record", {
        "key": "budget_request", "budget_request-record-amount": "",
        "budget_request-record-recorded_on": "2026-10-20"}, status=400)
    assert field_errors(page, "budget_request-record-amount") == ["金額（円）を入力してください。"]
    assert field_value(page, "budget_request-record-recorded_on") == "2026-10-20"
    page = post_page(client, f"/pilots/{pid}/checklist/record", {
        "key": "budget_request", "budget_request-record-amount": "abc",
        "budget_request-record-recorded_on": "2026-10-20"}, status=400)
    assert field_errors(page, "budget_request-record-amount")


def test_due_date_form(client, app, pair):
    users, _ = pair
    pid = _pilot(app, pair, "selected")
    factories.login(client, users["municipality"])
    post_page(client, f"/pilots/{pid}/checklist/due",
              {"key": "agreement", "agreement-due-due_on": "2027-02-01"}, status=302)
    page = get_page(client, f"/pilots/{pid}")
    assert "2027年2月1日" in " ".join(texts(page, "#item-agreement .checklist-meta"))


def test_the_startup_gets_no_forms_for_the_towns_items_and_is_refused(client, app, pair):
    users, _ = pair
    pid = _pilot(app, pair, "selected")
    factories.login(client, users["startup"])
    page = get_page(client, f"/pilots/{pid}")
    assert page.select_one("#item-agreement form") is None
    page = post_page(client, f"/pilots/{pid}/checklist/waive?lang=en",
                     {"key": "agreement", "agreement-waive-reason": "なし"}, status=403)
    assert any("Only the municipality or the programme office" in t
               for t in texts(page, ".error-summary") + flash_messages(page))


def test_outsiders_get_404_and_a_made_up_key_is_refused(client, app, pair, login_as):
    users, _ = pair
    pid = _pilot(app, pair, "meeting")
    login_as("startup")
    for url in ("record", "waive", "reopen", "due"):
        assert client.post(f"/pilots/{pid}/checklist/{url}",
                           data={"key": "meeting_notes"}).status_code == 404
    assert client.get(f"/pilots/{pid}/agreement.docx").status_code == 404
    manager = app.test_client()
    factories.login(manager, users["manager"])
    page = post_page(manager, f"/pilots/{pid}/checklist/record", {"key": "nothing"},
                     follow_redirects=True)
    assert flash_messages(page) == ["リクエストが正しくありません。もう一度お試しください。"]


@pytest.mark.parametrize(("lang", "title", "clause"), [
    ("ja", "実証実験に関する協定書", "秘密保持"), ("en", "Pilot agreement", "Confidentiality")])
def test_the_agreement_draft_downloads_in_the_pages_language(client, app, pair, lang, title,
                                                            clause):
    users, _ = pair
    pid = _pilot(app, pair, "selected")
    factories.login(client, users["startup"])
    page = get_page(client, f"/pilots/{pid}?lang={lang}")
    link = page.select_one("#item-agreement a[download]")
    assert link is not None
    response = client.get(link["href"] + f"?lang={lang}")
    assert response.status_code == 200 and "attachment" in response.headers[
        "Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(response.data)).paragraphs)
    assert title in text and clause in text and "河川水位の見える化" in text

