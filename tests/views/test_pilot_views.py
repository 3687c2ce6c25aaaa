"""Pilot pages: the board per role, the pair's page, moves, forms that keep input."""
from __future__ import annotations

import re

import pytest

from govtech.blueprints.pilots import board
from govtech.extensions import db
from govtech.models import Pilot, User
from govtech.services import pilots
from tests import factories, walk
from tests.html import field_value, flash_messages, get_page, post_page


@pytest.fixture
def pair(app):
    municipality = factories.user(app, "municipality")
    startup = factories.user(app, "startup")
    manager = factories.user(app, "manager")
    cid = factories.challenge(app, municipality, title="河川水位の見える化")
    pid = factories.pilot(app, manager, cid, startup.org_id, stage="meeting")
    walk.fill_stage(app, manager, pid)  # the meeting notes: the pair may move on
    return {"municipality": municipality, "startup": startup, "manager": manager}, pid


def _version(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


@pytest.mark.parametrize("who", ["municipality", "startup", "manager"])
def test_parties_and_managers_see_the_board_and_page(client, pair, who):
    users, pid = pair
    factories.login(client, users[who])
    board = client.get("/pilots/").get_data(as_text=True)
    assert "河川水位の見える化" in board and "面談" in board
    page = client.get(f"/pilots/{pid}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "段階ごとの日数" in text and "経過" in text


def test_outsiders_get_404_and_an_empty_board(client, app, pair, login_as):
    _users, pid = pair
    login_as("startup")
    assert client.get(f"/pilots/{pid}").status_code == 404
    assert "河川水位の見える化" not in client.get("/pilots/").get_data(as_text=True)
    assert client.post(f"/pilots/{pid}/move", data={"target": "proposal",
                                                    "version": "2"}).status_code == 404


def test_board_search_and_english(client, pair):
    users, _pid = pair
    factories.login(client, users["manager"])
    assert "河川水位" in client.get("/pilots/?q=河川").get_data(as_text=True)
    assert "河川水位" not in client.get("/pilots/?q=子育て").get_data(as_text=True)
    assert "Meeting" in client.get("/pilots/?lang=en").get_data(as_text=True)


def test_move_with_a_note_shows_in_the_timeline(client, pair):
    users, pid = pair
    factories.login(client, users["startup"])
    page = client.get(f"/pilots/{pid}").get_data(as_text=True)
    response = client.post(f"/pilots/{pid}/move", data={
        "target": "proposal", "note": "提案書を送付", "version": _version(page)},
        follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "提案書を送付" in page and "段階を「提案」に進めました" in page


def test_stale_move_is_explained(client, pair):
    users, pid = pair
    factories.login(client, users["startup"])
    old = _version(client.get(f"/pilots/{pid}").get_data(as_text=True))
    client.post(f"/pilots/{pid}/move", data={"target": "proposal", "version": old})
    response = client.post(f"/pilots/{pid}/move", data={"target": "selected", "version": old},
                           follow_redirects=True)
    assert "他の人がこの組み合わせの段階を変更しました" in response.get_data(as_text=True)


def test_not_adopted_without_reason_keeps_the_note(client, pair):
    users, pid = pair
    factories.login(client, users["municipality"])
    version = _version(client.get(f"/pilots/{pid}").get_data(as_text=True))
    response = client.post(f"/pilots/{pid}/move", data={
        "target": "not_adopted", "note": "庁内調整がつかなかった", "version": version,
        "confirm": "yes"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "不採用の理由を選んでください" in page and "庁内調整がつかなかった" in page
    response = client.post(f"/pilots/{pid}/move", data={
        "target": "not_adopted", "reason": "timing", "note": "来年度に再検討", "version": version,
        "confirm": "yes"},
        follow_redirects=True)
    assert "時期が合わなかった" in response.get_data(as_text=True)


def test_startup_is_not_offered_adoption_or_not_adopted(client, app, pair):
    users, _pid = pair
    cid = factories.challenge(app, users["municipality"], title="別件")
    budgeting = factories.pilot(app, users["manager"], cid, users["startup"].org_id,
                                stage="budgeting")
    factories.login(client, users["startup"])
    page = client.get(f"/pilots/{budgeting}").get_data(as_text=True)
    assert 'value="adopted"' not in page and 'value="withdrawn"' in page


def test_report_is_required_to_leave_evaluation_then_saved(client, app, pair):
    users, _pid = pair
    cid = factories.challenge(app, users["municipality"], title="評価中の課題")
    pid = factories.pilot(app, users["manager"], cid, users["startup"].org_id,
                          stage="evaluation")
    factories.login(client, users["municipality"])
    version = _version(client.get(f"/pilots/{pid}").get_data(as_text=True))
    response = client.post(f"/pilots/{pid}/move", data={"target": "budgeting",
                                                         "version": version})
    assert response.status_code == 400 and "成果報告" in response.get_data(as_text=True)
    client.post(f"/pilots/{pid}/report", data={"verified": "到達率80%", "learned": "高齢者対応",
                                               "changed": "紙の配布が減った"})
    response = client.post(f"/pilots/{pid}/move", data={"target": "budgeting",
                                                         "version": version})
    assert response.status_code == 302


def test_kpi_form_keeps_input_on_error_then_adds(client, pair):
    users, pid = pair
    factories.login(client, users["startup"])
    response = client.post(f"/pilots/{pid}/kpis", data={"kpi-name": "", "kpi-unit": "件",
                                                        "kpi-baseline": "abc"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'value="件"' in page
    client.post(f"/pilots/{pid}/kpis", data={"kpi-name": "問い合わせ件数", "kpi-unit": "件",
                                             "kpi-baseline": "120", "kpi-target": "60"})
    page = client.get(f"/pilots/{pid}").get_data(as_text=True)
    assert "問い合わせ件数" in page and "120" in page


def test_milestones_add_and_toggle(client, app, pair):
    users, pid = pair
    factories.login(client, users["municipality"])
    client.post(f"/pilots/{pid}/milestones", data={"title": "センサー設置",
                                                   "due_date": "2027-04-01"})
    page = client.get(f"/pilots/{pid}").get_data(as_text=True)
    mid = re.search(r"/milestones/(\d+)/toggle", page).group(1)
    client.post(f"/pilots/{pid}/milestones/{mid}/toggle")
    assert 'aria-pressed="true"' in client.get(f"/pilots/{pid}").get_data(as_text=True)


def test_pilot_page_has_unique_element_ids(client, pair):
    """Several forms share the page; a repeated id would tie a label to the wrong field."""
    import re

    users, pid = pair
    factories.login(client, users["municipality"])
    page = client.get(f"/pilots/{pid}").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_a_move_on_a_stale_page_shows_the_pair_as_it_is_now(client, pair):
    """Both parties moved from the same page: the second is told why, on the current page."""
    users, pid = pair
    factories.login(client, users["startup"])
    old = field_value(get_page(client, f"/pilots/{pid}"), "version")
    post_page(client, f"/pilots/{pid}/move", {"target": "proposal", "version": old},
              follow_redirects=True)
    page = post_page(client, f"/pilots/{pid}/move", {"target": "selected", "version": old},
                     follow_redirects=True)
    assert flash_messages(page) == ["表示している間に他の人がこの組み合わせの段階を変更しました。"
                                    "ページを再読み込みして現在の段階を確認してください。"]
    assert field_value(page, "version") != old


def test_a_move_without_its_hidden_fields_is_refused(client, pair):
    users, pid = pair
    factories.login(client, users["startup"])
    page = post_page(client, f"/pilots/{pid}/move", {"target": "proposal", "version": "x"},
                     follow_redirects=True)
    assert flash_messages(page) == ["リクエストが正しくありません。もう一度お試しください。"]


def test_board_columns_and_stepper_of_an_ended_pair(app, ctx, pair):
    """The board puts pairs that ended without adoption in their own (folded) list; the stepper
    shows how far such a pair got, from its timeline."""
    users, _pid = pair
    cid = factories.challenge(app, users["municipality"], title="途中で辞退")
    ended = db.session.get(Pilot, factories.pilot(app, users["manager"], cid,
                                                  users["startup"].org_id, stage="withdrawn"))
    phases, ended_cards = board.phases([ended], {})
    assert [c["pilot"] for c in ended_cards] == [ended]
    assert all(not column["cards"] for phase in phases for column in phase["columns"])
    events = pilots.timeline(db.session.get(User, users["manager"].id), ended)
    steps = [s["state"] for s in board.stepper(ended, events)]
    assert "current" not in steps and steps[0] == "done" and steps[-1] == "todo"
