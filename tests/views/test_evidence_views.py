"""The pilot's cost and the evidence pack (issue 17, part 4): the purchase panel, the cost form,
the PDF and .docx downloads opened and read back, permissions, bad input."""
from __future__ import annotations

import io
import re
import time
from datetime import date, timedelta

import docx
import pypdf
import pytest

from govtech.extensions import db
from govtech.models import Pilot
from tests import evidence_factories, factories
from tests.html import field_errors, flash_messages, get_page, post_page


@pytest.fixture
def pair(app):
    town = factories.user(app, "municipality")
    firm = factories.user(app, "startup")
    office = factories.user(app, "manager")
    cid = factories.challenge(app, town, title="窓口予約の実証実験", budget_owner="市民課",
                              success_criteria="待ち時間を半分に")
    pid = factories.pilot(app, office, cid, firm.org_id, stage="evaluation")
    factories.kpi(app, office, pid, name="窓口待ち時間", unit="分", baseline=30.0,
                  target=15.0, actual=12.0)
    evidence_factories.costs(app, pid, 1_200_000, 3_600_000)
    return {"municipality": town, "startup": firm, "manager": office}, cid, pid


def _pdf_text(data: bytes) -> tuple[str, pypdf.PdfReader]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def embedded_fonts(reader: pypdf.PdfReader) -> list[str]:
    """The names of the fonts whose descriptor carries the font file (embedded)."""
    found = []
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            descriptors = [font.get("/FontDescriptor")]
            for child in font.get("/DescendantFonts", []) or []:
                descriptors.append(child.get_object().get("/FontDescriptor"))
            for desc in descriptors:
                desc = desc.get_object() if desc is not None else None
                if desc is not None and ("/FontFile2" in desc or "/FontFile3" in desc):
                    found.append(str(font.get("/BaseFont")))
    return found


@pytest.mark.parametrize("who", ["municipality", "startup", "manager"])
def test_parties_download_the_pack_as_pdf(client, pair, who):
    users, _cid, pid = pair
    factories.login(client, users[who])
    page = get_page(client, f"/pilots/{pid}")
    links = [a["href"] for a in page.select("#purchase a.button")]  # in the page's language
    assert f"/pilots/{pid}/evidence.pdf?lang=ja" in links
    assert f"/pilots/{pid}/evidence.docx?lang=ja" in links
    response = client.get(f"/pilots/{pid}/evidence.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and ".pdf" in disposition
    text, reader = _pdf_text(response.data)
    compact = re.sub(r"\s+", "", text)
    for expected in ("窓口予約の実証実験", "実証", "市民課", "待ち時間を半分に", "窓口待ち時間",
                     "120万円", "360万円", "検証した"):
        assert expected in compact, expected
    assert embedded_fonts(reader) and all("IPAexGothic" in f for f in embedded_fonts(reader))


def test_the_pack_in_english_and_as_docx(client, pair):
    users, _cid, pid = pair
    factories.login(client, users["municipality"])
    text, _reader = _pdf_text(client.get(f"/pilots/{pid}/evidence.pdf?lang=en").data)
    assert "Evidence pack" in text and "¥1,200,000" in text and "窓口予約の実証実験" in text
    response = client.get(f"/pilots/{pid}/evidence.docx")
    assert response.status_code == 200 and ".docx" in response.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    body = "\n".join(p.text for p in document.paragraphs) + "\n".join(cells)
    for expected in ("窓口予約の実証実験", "市民課", "窓口待ち時間", "120万円", "█"):
        assert expected in body, expected


def test_the_pack_is_fast(client, pair):
    users, _cid, pid = pair
    factories.login(client, users["startup"])
    client.get(f"/pilots/{pid}/evidence.pdf")  # the font is registered once per process
    for suffix in ("pdf", "docx"):  # the best of three: a busy machine may slow one down
        took = []
        for _attempt in range(3):
            start = time.perf_counter()
            assert client.get(f"/pilots/{pid}/evidence.{suffix}").status_code == 200
            took.append(time.perf_counter() - start)
        assert min(took) < 1.0, took


def test_before_evaluation_the_page_says_why(client, app, pair):
    users, cid, _pid = pair
    other = factories.user(app, "startup")
    early = factories.pilot(app, users["manager"], cid, other.org_id, stage="meeting")
    factories.login(client, users["municipality"])
    page = get_page(client, f"/pilots/{early}")
    assert "評価" in page.select_one("#purchase").get_text() and \
        not page.select("#purchase a[href$='evidence.pdf']")
    response = client.get(f"/pilots/{early}/evidence.pdf")
    assert response.status_code == 302
    followed = get_page(client, response.headers["Location"])
    assert any("評価" in m for m in flash_messages(followed))


@pytest.mark.parametrize("who", ["municipality", "startup", "anonymous"])
def test_outsiders_get_no_pack(client, app, pair, who):
    _users, _cid, pid = pair
    if who != "anonymous":
        factories.login(client, factories.user(app, who))
    for suffix in ("pdf", "docx"):
        response = client.get(f"/pilots/{pid}/evidence.{suffix}")
        assert response.status_code == (302 if who == "anonymous" else 404)
        if who == "anonymous":
            assert "/login" in response.headers["Location"]
    response = client.post(f"/pilots/{pid}/cost", data={"cost-pilot_cost": "1"})
    assert response.status_code == (302 if who == "anonymous" else 404)


@pytest.mark.parametrize("who", ["municipality", "startup", "manager"])
def test_parties_save_the_cost_with_history(client, app, pair, who):
    users, _cid, pid = pair
    factories.login(client, users[who])
    response = client.post(f"/pilots/{pid}/cost", data={"cost-pilot_cost": "500000",
                                                        "cost-annual_cost": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith("#purchase")
    with app.app_context():
        pilot = db.session.get(Pilot, pid)
        assert (pilot.pilot_cost, pilot.annual_cost) == (500_000, None)
    page = get_page(client, f"/pilots/{pid}")
    history = page.select_one("#purchase").get_text()
    assert "50万円" in history and "120万円 → 50万円" in history


@pytest.mark.parametrize("value, message", [("-1", "ゼロ未満"), ("abc", None),
                                            ("10000000000000", "1,000,000,000,000")])
def test_bad_costs_are_refused_and_kept(client, app, pair, value, message):
    users, _cid, pid = pair
    factories.login(client, users["municipality"])
    page = post_page(client, f"/pilots/{pid}/cost", {"cost-pilot_cost": value,
                                                     "cost-annual_cost": "2000000"}, status=400)
    errors = field_errors(page, "cost-pilot_cost")
    assert errors and (message is None or message in errors[0])
    assert page.select_one("#cost-pilot_cost")["value"] == value
    assert page.select_one("#cost-annual_cost")["value"] == "2000000"
    assert page.select_one("#purchase details.add").has_attr("open")
    with app.app_context():
        assert db.session.get(Pilot, pid).pilot_cost == 1_200_000


def test_comparable_adoptions_from_other_towns(client, app, pair):
    users, _cid, pid = pair
    other_town = factories.user(app, "municipality")
    far_town = factories.user(app, "municipality")
    with app.app_context():
        from govtech.models import Organisation
        for record, population in ((users["municipality"], 50_000), (other_town, 120_000),
                                   (far_town, 3_000_000)):
            db.session.get(Organisation, record.org_id).population = population
        db.session.commit()
    for town, title in ((other_town, "隣町の窓口予約"), (far_town, "大都市の窓口予約")):
        cid = factories.challenge(app, town, title=title)
        done = factories.pilot(app, users["manager"], cid, users["startup"].org_id,
                               stage="adopted")
        evidence_factories.costs(app, done, 800_000, 2_400_000)
    factories.login(client, users["municipality"])
    text, _reader = _pdf_text(client.get(f"/pilots/{pid}/evidence.pdf").data)
    compact = re.sub(r"\s+", "", text)
    assert "240万円" in compact and "120,000名" in compact and "3,000,000名" not in compact


def test_the_route_section_names_a_valid_certification(client, app, pair):
    users, cid, pid = pair
    with app.app_context():
        from govtech.models import Challenge
        from govtech.models.enums import ProcurementRoute
        db.session.get(Challenge, cid).procurement_route = ProcurementRoute.certified
        db.session.commit()
    evidence_factories.certification(app, cid, users["startup"].org_id, state="granted",
                                     valid_until=date.today() + timedelta(days=400))
    factories.login(client, users["municipality"])
    text, _reader = _pdf_text(client.get(f"/pilots/{pid}/evidence.pdf").data)
    compact = re.sub(r"\s+", "", text)
    assert "第4号認定による随意契約" in compact and "認定番号R8-001" in compact
    assert "第167条の2第1項第4号" in compact


def test_comparables_are_few_and_best_first(app, pair):
    users, _cid, pid = pair
    from govtech.models import Organisation
    from govtech.services import evidence

    titles = []
    for index in range(5):
        town = factories.user(app, "municipality")
        with app.app_context():
            db.session.get(Organisation, town.org_id).population = 40_000 + index * 10_000
            db.session.commit()
        title = f"近隣の導入事例{index}"
        cid = factories.challenge(app, town, title=title,
                                  categories=["disaster", "online_procedures"] if index == 4
                                  else ["disaster"])
        factories.pilot(app, users["manager"], cid, users["startup"].org_id, stage="adopted")
        titles.append(title)
    with app.app_context():
        db.session.get(Organisation, users["municipality"].org_id).population = 50_000
        from govtech.models import Challenge
        own = db.session.get(Pilot, pid)
        db.session.get(Challenge, own.challenge_id).categories = ["disaster", "online_procedures"]
        db.session.commit()
    with app.test_request_context():
        found = evidence.comparables(db.session.get(Pilot, pid))
        assert [c.title for c in found] == [titles[4], titles[1], titles[2]]  # 60,000 is nearer


def test_without_the_japanese_font_the_page_says_what_to_install(client, pair, monkeypatch):
    from govtech.services import evidence_pdf

    users, _cid, pid = pair
    monkeypatch.setattr(evidence_pdf, "font_path", lambda: None)
    monkeypatch.setattr(evidence_pdf.pdfmetrics, "getRegisteredFontNames", lambda: [])
    factories.login(client, users["municipality"])
    response = client.get(f"/pilots/{pid}/evidence.pdf")
    assert response.status_code == 503
    assert "matplotlib-fontja" in response.get_data(as_text=True)
    assert client.get(f"/pilots/{pid}/evidence.docx").status_code == 200  # needs no font


def test_a_small_amount_route_names_the_towns_limit(client, app, pair):
    users, cid, pid = pair
    from govtech.models import Challenge
    from govtech.models.enums import ProcurementRoute
    from govtech.models.procurement import BudgetCalendar

    with app.app_context():
        db.session.get(Challenge, cid).procurement_route = ProcurementRoute.small_amount
        db.session.add(BudgetCalendar(organisation_id=users["municipality"].org_id,
                                      limits={"other": 800_000}))
        db.session.commit()
    factories.login(client, users["startup"])
    response = client.get(f"/pilots/{pid}/evidence.docx")
    document = docx.Document(io.BytesIO(response.data))
    body = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "少額随意契約" in body and "80万円" in body and "第167条の2第1項第1号" in body
