"""The dashboard page (a chart and a table per figure, Japanese first) and its CSV exports
(UTF-8 with BOM, translated headers, the service's numbers, the viewer's scope only)."""
from __future__ import annotations

import csv
import io

import pytest

from govtech.services import dashboard
from govtech.services.dashboard import Scope
from tests import factories
from tests.html import anywhere, get_page, targets, text


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
    assert len(svgs) == 7 and len(main.select("table.table")) == 7
    assert all(svg["viewbox"].startswith("0 0 ") for svg in svgs)  # the parser lower-cases
    assert len(main.find_all("title")) >= 7
    labels = {str(string) for svg in svgs for string in svg.find_all(string=True)}
    for label in ("紹介", "面談", "本格導入", "防災", "子育て", "埼玉県", "東京都"):
        assert label in labels, label
    assert "ダッシュボード" in text(main) and "/dashboard/export/funnel.csv" in targets(main)
    for figure in main.select("figure.dash-chart"):  # each chart names its table
        table = main.find(id=figure["aria-describedby"])
        assert table is not None and table.name == "table", figure["aria-describedby"]
    assert len(main.select("figure.dash-chart[aria-describedby]")) == 7


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
    monkeypatch.setattr(dashboard, "summary", lambda scope: counted.append(1) or original(scope))
    factories.login(client, towns["manager"])
    first = text(get_page(client, "/dashboard/").main)
    second = text(get_page(client, "/dashboard/").main)
    assert "時点の集計" in first and second == first
    assert len(counted) == 1  # the second view was served from memory
    figure_cache.forget()
