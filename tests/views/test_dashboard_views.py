"""The dashboard page (a chart and a table per figure, Japanese first) and its CSV exports
(UTF-8 with BOM, translated headers, the service's numbers, the viewer's scope only)."""
from __future__ import annotations

import csv
import io

import pytest

from govtech.services import dashboard
from govtech.services.dashboard import Scope
from tests import factories


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
    response = client.get("/dashboard/")
    page = response.get_data(as_text=True).split("<main", 1)[1]  # the header has an icon
    assert response.status_code == 200
    assert page.count("<svg") == 7 and page.count('<table class="table') == 7
    assert page.count('viewBox="0 0 ') == 7 and page.count("<title") >= 7
    svgs = "".join(part.split("</svg>")[0] for part in page.split("<svg")[1:])
    for label in ("紹介", "面談", "本格導入", "防災", "子育て", "埼玉県", "東京都"):
        assert f">{label}<" in svgs, label
    assert "ダッシュボード" in page and "/dashboard/export/funnel.csv" in page


def test_the_page_in_english(client, towns):
    factories.login(client, towns["manager"])
    page = client.get("/dashboard/?lang=en").get_data(as_text=True)
    for label in ("Introduction", "Adopted", "Disaster prevention", "Saitama", "Dashboard"):
        assert label in page, label
    assert "紹介" not in page


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
    page = client.get("/dashboard/").get_data(as_text=True)
    assert "埼玉県" not in page and "防災" not in page and "東京都" in page
    assert "本格導入" in page  # the stage is listed, with no pair in it
    for table in ("funnel", "stages", "categories", "prefectures", "durations", "reasons",
                  "marketing"):
        _content, rows = _csv(client, table)
        text = repr(rows)
        assert "埼玉県" not in text and "防災" not in text, table
    _content, rows = _csv(client, "stages")
    assert dict((row[0], row[1]) for row in rows[1:])["本格導入"] == "0"


def test_csv_header_follows_the_language(client, towns):
    factories.login(client, towns["manager"])
    client.get("/dashboard/?lang=en")
    _content, rows = _csv(client, "reasons")
    assert rows[0] == ["Reason", "Pairs"] and rows[1] == ["No budget", "0"]


def test_unknown_tables_are_404_and_the_public_is_sent_to_log_in(client, towns):
    assert "/login" in client.get("/dashboard/").headers["Location"]
    assert "/login" in client.get("/dashboard/export/funnel.csv").headers["Location"]
    factories.login(client, towns["startup"])
    assert client.get("/dashboard/export/secrets.csv").status_code == 404
