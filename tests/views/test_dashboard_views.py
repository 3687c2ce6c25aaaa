"""The dashboard page (a chart and a table per figure, Japanese first) and its CSV exports
(UTF-8 with BOM, translated headers, the service's numbers, the viewer's scope only)."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from govtech import labels
from govtech.extensions import db
from govtech.models import HistoryEvent, Pilot
from govtech.services import dashboard, dashboard_period
from govtech.services.dashboard import Scope
from tests import factories
from tests.clock import travel
from tests.html import anywhere, get_page, targets, text, texts


@pytest.fixture
def towns(app):
    """Town A (埼玉県) has an adopted 防災 pair; town B (東京都) a 子育て pair at 面談."""
    r = {"a": factories.user(app, "municipality", prefecture="11"),
         "b": factories.user(app, "municipality", prefecture="13"),
         "startup": factories.user(app, "startup"), "manager": factories.user(app, "manager")}
    ca = factories.challenge(app, r["a"], categories=["disaster"])
    cb = factories.challenge(app, r["b"], title="保育所の入所調整", categories=["childcare"])
    factories.pilot(app, r["manager"], ca, r["startup"].org_id, stage="adopted")
    factories.pilot(app, r["manager"], cb, r["startup"].org_id, stage="meeting")
    return r


def _csv(client, table: str) -> tuple[bytes, list[list[str]]]:
    response = client.get(f"/dashboard/export/{table}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Content-Disposition"].endswith(".csv")
    content = response.get_data()
    return content, list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_page_has_a_chart_and_a_table_per_figure_in_japanese(client, towns):
    factories.login(client, towns["manager"])
    main = get_page(client, "/dashboard/").main  # the header has an icon
    svgs = main.find_all("svg")
    assert len(svgs) == 8 and len(main.select("table.table--grid")) == 8
    assert all(svg["viewbox"].startswith("0 0 ") for svg in svgs)  # the parser lower-cases
    assert len(main.find_all("title")) >= 8
    labels = {str(string) for svg in svgs for string in svg.find_all(string=True)}
    for label in ("紹介", "面談", "本格導入", "防災", "子育て", "埼玉県", "東京都"):
        assert label in labels, label
    assert "ダッシュボード" in text(main)  # the CSV of a figure is of the period shown
    assert "/dashboard/export/funnel.csv?period=month" in targets(main)
    for figure in main.select("figure.dash-chart"):  # each chart names its table
        table = main.find(id=figure["aria-describedby"])
        assert table is not None and table.name == "table", figure["aria-describedby"]
        folded = table.find_parent("details")  # 「表で見る」: the table behind the chart
        assert folded is not None and "表で見る" in text(folded.summary)
        assert folded.find_parent("section") is figure.find_parent("section")
    assert len(main.select("figure.dash-chart[aria-describedby]")) == 8
    assert len(main.select("details.dash-details > summary")) == 8


def test_the_page_in_english(client, towns):
    factories.login(client, towns["manager"])
    page = get_page(client, "/dashboard/?lang=en")
    for label in ("Introduction", "Adopted", "Disaster prevention", "Saitama", "Dashboard"):
        assert label in text(page.main), label
    assert not anywhere(page, "紹介")


def test_every_table_exports_as_utf8_csv_with_bom_and_the_services_numbers(client, app, towns):
    factories.login(client, towns["manager"])
    content, rows = _csv(client, "funnel")
    assert content.startswith(b"\xef\xbb\xbf")
    assert rows[0] == ["段階", "ペア数", "前の段階からの転換率（%）"]
    with app.test_request_context():
        steps = dashboard.funnel(Scope("programme"))
    assert [row[0] for row in rows[1:3]] == ["推薦", "紹介"]
    assert [int(row[1]) for row in rows[1:]] == [step.count for step in steps]
    assert [row[2] for row in rows[1:]] == [
        "" if step.rate is None else str(round(step.rate * 100, 1)) for step in steps]
    _content, rows = _csv(client, "prefectures")
    assert rows[1:] == [["埼玉県", "1", "0", "1"], ["東京都", "1", "1", "0"]]
    for table in ("stages", "categories", "durations", "reasons", "marketing"):
        content, rows = _csv(client, table)
        assert content.startswith(b"\xef\xbb\xbf") and rows[0], table


def test_a_municipality_sees_only_its_own_pairs_on_the_page_and_in_every_csv(client, towns):
    factories.login(client, towns["b"])
    page = get_page(client, "/dashboard/")
    assert not anywhere(page, "埼玉県") and not anywhere(page, "防災")
    assert "東京都" in text(page.main)
    assert "本格導入" in text(page.main)  # the stage is listed, with no pair in it
    for table in ("funnel", "stages", "categories", "prefectures", "durations", "reasons",
                  "marketing"):
        _content, rows = _csv(client, table)
        flat = repr(rows)
        assert "埼玉県" not in flat and "防災" not in flat, table
    _content, rows = _csv(client, "stages")
    assert dict((row[0], row[1]) for row in rows[1:])["本格導入"] == "0"


def test_csv_header_follows_the_language(client, towns):
    factories.login(client, towns["manager"])
    client.post("/language", data={"lang": "en", "next": "/dashboard/"})
    _content, rows = _csv(client, "reasons")
    assert rows[0] == ["Reason", "Pairs"] and rows[1] == ["No budget", "0"]


def test_unknown_tables_are_404_and_the_public_is_sent_to_log_in(client, towns):
    assert "/login" in client.get("/dashboard/").headers["Location"]
    assert "/login" in client.get("/dashboard/export/funnel.csv").headers["Location"]
    factories.login(client, towns["startup"])
    assert client.get("/dashboard/export/secrets.csv").status_code == 404


def test_a_kept_programme_dashboard_says_when_it_was_counted(client, app, towns, monkeypatch):
    from govtech.services import figure_cache

    monkeypatch.setitem(app.config, "DASHBOARD_CACHE_SECONDS", 60)
    figure_cache.forget()
    counted = []
    original = dashboard.summary
    monkeypatch.setattr(dashboard, "summary",
                        lambda *args: counted.append(1) or original(*args))
    factories.login(client, towns["manager"])
    first = text(get_page(client, "/dashboard/").main)
    second = text(get_page(client, "/dashboard/").main)
    assert "時点の集計" in first and second == first
    assert len(counted) == 1  # the second view was served from memory
    figure_cache.forget()


# --- the top of the page, the period selector ---------------------------------------------------

NOV = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo


def _timeline(app, pilot_id: int, days: list[int]) -> None:
    """Put the pilot's history at NOV + each offset (oldest first), its dates with it."""
    with app.app_context():
        events = db.session.scalars(select(HistoryEvent.id).where(
            HistoryEvent.entity_type == "pilot", HistoryEvent.entity_id == pilot_id)
            .order_by(HistoryEvent.id)).all()
        assert len(events) == len(days)
        for event_id, offset in zip(events, days, strict=True):
            db.session.execute(update(HistoryEvent).where(HistoryEvent.id == event_id)
                               .values(created_at=NOV + timedelta(days=offset)))
        pilot = db.session.get(Pilot, pilot_id)
        assert pilot is not None
        pilot.started_at = NOV + timedelta(days=days[0])
        pilot.stage_entered_at = NOV + timedelta(days=days[-1])
        pilot.closed_at = None if pilot.is_open else pilot.stage_entered_at
        db.session.commit()


@pytest.fixture
def november(app, monkeypatch):
    """Town A's 防災 pair went from 紹介 to 本格導入 a day per stage from 2 November 2026 (so
    the programme's median stay is one day in every stage); town B's 子育て pair entered 面談 on
    4 November and is still there on 10 December, the day the clock is set to: stuck."""
    r = {"a": factories.user(app, "municipality", prefecture="11"),
         "b": factories.user(app, "municipality", prefecture="13"),
         "startup": factories.user(app, "startup"), "manager": factories.user(app, "manager")}
    ca = factories.challenge(app, r["a"], categories=["disaster"])
    cb = factories.challenge(app, r["b"], title="保育所の入所調整", categories=["childcare"])
    r["pa"] = factories.pilot(app, r["manager"], ca, r["startup"].org_id, stage="adopted")
    r["pb"] = factories.pilot(app, r["manager"], cb, r["startup"].org_id, stage="meeting")
    _timeline(app, r["pa"], list(range(9)))
    _timeline(app, r["pb"], [0, 2])
    travel(monkeypatch, dashboard_period, datetime(2026, 12, 10, 3, 0, tzinfo=UTC))
    return r


def _ids_in_order(main) -> list[str]:
    return [section.get("id") for section in main.find_all("section") if section.get("id")]


def test_a_municipality_opens_with_its_own_stuck_pairs(app, client, november):
    factories.login(client, november["b"])
    main = get_page(client, "/dashboard/").main
    order = _ids_in_order(main)
    assert order[:2] == ["pairs", "dates"] and order.index("pairs") < order.index("funnel")
    pairs = main.find(id="pairs")
    assert "自分の案件" in text(pairs) and "保育所の入所調整" in text(pairs)
    stuck = pairs.select("tr.dash-stuck")
    assert len(stuck) == 1 and "36" in text(stuck[0]) and "面談" in text(stuck[0])
    assert "滞留1件" in text(pairs)
    assert f"/pilots/{november['pb']}" in targets(pairs)
    assert "防災アプリ" not in text(main)  # town A's pair is not on B's page
    town_a = app.test_client()  # town A's pair has ended: nothing waits on it
    factories.login(town_a, november["a"])
    pairs = get_page(town_a, "/dashboard/").main.find(id="pairs")
    assert "進行中の案件はありません" in text(pairs) and not pairs.select("tr.dash-stuck")


def test_the_manager_opens_with_stuck_pairs_and_the_periods_movements(app, client, november):
    factories.login(client, november["manager"])
    main = get_page(client, "/dashboard/?period=last_month").main
    assert _ids_in_order(main)[:2] == ["stuck", "movements"]
    stuck = main.find(id="stuck")
    assert "滞留案件" in text(stuck) and "保育所の入所調整" in text(stuck)
    assert len(stuck.select("tr.dash-stuck")) == 1 and "防災アプリ" not in text(stuck)
    moves = main.find(id="movements")
    assert "2026年11月" in text(moves)
    figures = {text(stat.select_one(".stat-label")): text(stat.select_one(".stat-number"))
               for stat in moves.select(".stat")}
    assert figures == {"新しいペア": "2", "段階の移動": "9", "本格導入": "1", "導入せず終了": "0"}
    table = dict(zip(texts(main.find(id="moves-table"), "tbody th"),
                     texts(main.find(id="moves-table"), "tbody td"), strict=True))
    assert table["新規ペア（紹介）"] == "2" and table["紹介 → 面談"] == "2"
    with app.test_request_context():  # the names of the stages are the labels' own
        adoption = f"{labels.stage_label('budgeting')} → {labels.stage_label('adopted')}"
    assert table[adoption] == "1"


def test_the_period_selector_changes_the_figures_and_the_heading(client, november):
    factories.login(client, november["manager"])
    december = get_page(client, "/dashboard/").main  # this month by default: nothing moved
    assert "2026年12月" in text(december.h1)
    figures = texts(december.find(id="movements"), ".stat-number")
    assert figures == ["0", "0", "0", "0"]
    current = december.select("nav.dash-periods a[aria-current=page]")
    assert [text(link) for link in current] == ["今月"]
    assert {text(link) for link in december.select("nav.dash-periods a")} == {
        "今月", "先月", "今四半期", "今年度", "全期間"}
    for period, heading, moved in (("last_month", "2026年11月", "9"),
                                   ("quarter", "2026年10月～12月", "9"),
                                   ("fiscal_year", "2026年度", "9"), ("all", "全期間", "9")):
        main = get_page(client, f"/dashboard/?period={period}").main
        assert heading in text(main.h1), period
        assert texts(main.find(id="movements"), ".stat-number")[1] == moved, period
    english = get_page(client, "/dashboard/?period=fiscal_year&lang=en").main
    assert "FY2026" in text(english.h1) and "Stuck pairs" in text(english)
    _content, rows = _csv(client, "moves")  # the CSV counts all time unless asked
    assert ["紹介 → 面談", "2"] in rows
    response = client.get("/dashboard/export/moves.csv?period=month")
    assert len(list(csv.reader(io.StringIO(response.get_data(as_text=True))))) == 1


@pytest.mark.parametrize("bad", ["decade", "", "%00", "month%27--", "ＭＯＮＴＨ", "x" * 300])
def test_an_unknown_period_shows_this_month_and_says_so(client, november, bad):
    factories.login(client, november["manager"])
    page = get_page(client, f"/dashboard/?period={bad}")
    assert "2026年12月" in text(page.main.h1)
    notes = page.main.select(".alert[role=status]")
    assert bad == "" or (len(notes) == 1 and "2026年12月" in text(notes[0]))
    assert client.get(f"/dashboard/export/funnel.csv?period={bad}").status_code == 200


def test_a_funnel_of_few_pairs_shows_counts_not_percentages(client, november):
    """Town B has one pair: its funnel says how many, not 「100%」 of one."""
    factories.login(client, november["b"])
    section = get_page(client, "/dashboard/?period=all").main.find(id="funnel")
    assert "%" not in "".join(texts(section, "tbody td"))
    assert "%" not in text(section.find("svg"))
