"""The evidence pack through the real UI: a town's officer opens a pair at evaluation, records
the pilot's cost in the purchase panel and downloads the evidence pack (PDF) with its button;
the file is a PDF in Japanese with the font embedded."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pytest

from tests import factories
from tests.browser.conftest import PHONE, log_in
from tests.views.test_evidence_views import embedded_fonts

pytest.importorskip("playwright", reason="Playwright for Python is not installed")
from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_town_downloads_the_evidence_pack(app, new_page, shot, viewport):
    town = factories.user(app, "municipality")
    firm = factories.user(app, "startup")
    office = factories.user(app, "manager")
    cid = factories.challenge(app, town, title="窓口予約の実証実験")
    pid = factories.pilot(app, office, cid, firm.org_id, stage="evaluation")
    factories.kpi(app, office, pid, name="窓口待ち時間", unit="分", baseline=30.0,
                  target=15.0, actual=12.0)
    page = new_page(viewport)
    log_in(page, town.email, town.password)
    page.goto(f"/pilots/{pid}")
    panel = page.locator("#purchase")
    panel.get_by_text("費用を変更").click()
    panel.get_by_label("実証費用（円）").fill("1200000")
    panel.get_by_role("button", name="費用を保存").click()
    expect(page.locator(".alert--success")).to_contain_text("費用を保存しました")
    expect(page.locator("#purchase")).to_contain_text("120万円")
    shot(page, f"evidence-panel-{'phone' if viewport else 'desktop'}")
    with page.expect_download() as info:
        page.locator("#purchase").get_by_role("link", name="成果資料をダウンロード（PDF）").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    data = Path(download.path()).read_bytes()
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
    assert "窓口予約の実証実験" in text and "実証" in text and "120万円" in text
    assert embedded_fonts(reader)
