"""The pipeline board (three phases, cards with next step, side, due date and stuck marker, the
「自分の案件」 filter per role) and the pair page's 次にすること box and checklist."""
from __future__ import annotations

from datetime import timedelta

import pytest

from govtech import formatting
from govtech.extensions import db
from govtech.models import Milestone, Pilot
from govtech.models.base import utcnow
from tests import factories
from tests.html import get_page, post_page, text, texts


@pytest.fixture
def programme(app):
    """Three pairs of one municipality and one startup: one in 提案 started by the municipality
    (waits on the municipality), one in 評価 started by the manager, without its report (waits
    on either party), one just 紹介 by the municipality (waits on the office)."""
    users = {"municipality": factories.user(app, "municipality"),
             "startup": factories.user(app, "startup"),
             "manager": factories.user(app, "manager"),
             "other_manager": factories.user(app, "manager")}
    org = users["startup"].org_id
    ids = {
        "proposal": factories.pilot(app, users["municipality"], factories.challenge(
            app, users["municipality"], title="窓口予約のオンライン化"), org, stage="proposal"),
        "evaluation": factories.pilot(app, users["manager"], factories.challenge(
            app, users["municipality"], title="河川水位の見える化"), org, stage="evaluation"),
        "introduced": factories.pilot(app, users["municipality"], factories.challenge(
            app, users["municipality"], title="保育所入所の事前相談"), org),
    }
    return users, ids


def _cards(page) -> dict[str, str]:
    return {text(card.select_one(".board-card-title")): text(card)
            for card in page.select(".board-card")}


def test_the_board_reads_as_three_phases_in_one_scrolling_row(client, programme):
    users, _ids = programme
    factories.login(client, users["manager"])
    page = get_page(client, "/pilots/")
    region = page.select_one(".board-scroll")
    assert region["role"] == "region" and region["tabindex"] == "0" and region["aria-label"]
    assert texts(page, ".phase-head") == ["マッチング 2", "実証 1", "導入 0"]
    assert [h.split()[0] for h in texts(page.select_one(".phase--matching"), ".board-col-head")] \
        == ["紹介", "面談", "提案"]
    columns = {phase["class"][1]: [col["class"][1] for col in phase.select(".board-col")]
               for phase in page.select(".phase")}
    assert columns == {"phase--matching": ["board-col--introduced", "board-col--meeting",
                                           "board-col--proposal"],
                       "phase--trial": ["board-col--selected", "board-col--agreement",
                                        "board-col--pilot", "board-col--evaluation"],
                       "phase--adoption": ["board-col--budgeting", "board-col--adopted"]}


def test_cards_show_next_step_side_and_due_date(client, app, programme):
    users, ids = programme
    with app.app_context():
        db.session.add(Milestone(pilot_id=ids["evaluation"], title="評価会議",
                                 due_date=formatting.local_today() + timedelta(days=10)))
        db.session.commit()
    factories.login(client, users["municipality"])
    cards = _cards(get_page(client, "/pilots/"))
    assert "次にすること： 選定を判断する" in cards["窓口予約のオンライン化"]  # label, then text
    assert "自治体の対応待ち" in cards["窓口予約のオンライン化"]
    evaluation = cards["河川水位の見える化"]
    assert "すべてのKPIの実績値を記録する" in evaluation
    assert "自治体・スタートアップの対応待ち" in evaluation and "あと10日" in evaluation
    assert "事務局の対応待ち" in cards["保育所入所の事前相談"]
    english = _cards(get_page(client, "/pilots/?lang=en"))
    assert "Waiting on the municipality" in english["窓口予約のオンライン化"]
    assert "Next step: Decide on the selection" in english["窓口予約のオンライン化"]


def test_a_pair_stuck_beyond_the_median_is_marked_in_text(client, app, programme):
    """The other pairs left 紹介 at once (median 0 days); one sitting there 30 days is stuck."""
    users, ids = programme
    with app.app_context():
        db.session.get(Pilot, ids["introduced"]).stage_entered_at = utcnow() - timedelta(days=30)
        db.session.commit()
    factories.login(client, users["manager"])
    page = get_page(client, "/pilots/")
    stuck = page.select(".board-card--stuck")
    assert [text(c.select_one(".board-card-title")) for c in stuck] == ["保育所入所の事前相談"]
    assert "滞留30日（中央値0日）" in text(stuck[0].select_one(".board-card-stuck"))


@pytest.mark.parametrize("who,expected", [
    ("municipality", {"窓口予約のオンライン化", "河川水位の見える化"}),  # its own, or either side
    ("startup", {"河川水位の見える化"}),  # either side; selection is the municipality's
    ("manager", {"保育所入所の事前相談", "河川水位の見える化"}),  # the office's, or introduced
    ("other_manager", {"保育所入所の事前相談"}),  # the office's only
])
def test_my_pairs_filter_per_role(client, programme, who, expected):
    users, _ids = programme
    factories.login(client, users[who])
    assert len(_cards(get_page(client, "/pilots/"))) == 3
    page = get_page(client, "/pilots/?mine=1")
    assert set(_cards(page)) == expected
    assert page.select_one("input[name=mine]").has_attr("checked")


def test_my_pairs_filter_follows_the_report(client, app, programme):
    """Once the results report is written, the pair in evaluation waits on the municipality."""
    users, ids = programme
    with app.app_context():
        pilot = db.session.get(Pilot, ids["evaluation"])
        pilot.verified, pilot.learned, pilot.changed = "検証", "学び", "変化"
        db.session.commit()
    factories.login(client, users["startup"])
    assert _cards(get_page(client, "/pilots/?mine=1")) == {}
    assert "対応待ちの案件はありません" in text(get_page(client, "/pilots/?mine=1").main)


def test_the_pair_page_shows_next_step_and_the_stage_checklist(client, programme):
    users, ids = programme
    factories.login(client, users["startup"])
    page = get_page(client, f"/pilots/{ids['evaluation']}")
    box = page.select_one(".next-step")
    assert "次にすること" in text(box) and "すべてのKPIの実績値を記録する" in text(box)
    assert "自治体・スタートアップの対応待ち" in text(box)
    items = texts(box, ".checklist li")
    assert len(items) == 2 and "結果報告を書く" in items[1]
    assert "次の段階に進むために必須" in items[1]
    assert all("未完了" in item for item in items)
    selected = get_page(client, f"/pilots/{ids['proposal']}").select_one(".next-step")
    assert "この段階で記録するものはありません" in text(selected)


def test_ending_moves_sit_under_more_actions_and_need_a_confirmation(client, app, programme):
    users, ids = programme
    factories.login(client, users["municipality"])
    url = f"/pilots/{ids['proposal']}"
    page = get_page(client, url)
    more = page.select_one("details.other-actions")
    assert "その他の操作" in text(more.summary)
    assert {i["value"] for i in more.select("input[name=target]")} == {"not_adopted", "withdrawn"}
    assert "窓口予約のオンライン化 ×" in text(more.select_one(".confirm-check"))
    assert not page.select("#move > .moves > details.move--withdrawn")  # not beside "forward"
    primary = [b for b in page.main.select("summary.button, button.button")
               if not {"button--ghost", "button--small"} & set(b["class"])]
    assert len(primary) == 1 and "選定" in text(primary[0])
    version = more.select_one("input[name=version]")["value"]
    post_page(client, f"{url}/move", {"target": "withdrawn", "version": version}, status=400)
    with app.app_context():
        assert db.session.get(Pilot, ids["proposal"]).stage == "proposal"
    post_page(client, f"{url}/move", {"target": "withdrawn", "version": version,
                                      "confirm": "yes"}, follow_redirects=True)
    with app.app_context():
        assert db.session.get(Pilot, ids["proposal"]).stage == "withdrawn"
    ended = get_page(client, "/pilots/").select_one("details.board-ended")
    assert "窓口予約のオンライン化" in text(ended)
