"""第4号 certifications (issue 17, part 5): drafting from a pilot, editing, the decision, the
application downloaded and read back, who may do what, bad input."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import docx
import pypdf
import pytest

from govtech.extensions import db
from govtech.models import HistoryEvent
from govtech.models.procurement import Certification
from govtech.services import certifications
from tests import evidence_factories, factories
from tests.html import field_errors, flash_messages, get_page, parse, post_page
from tests.views.test_evidence_views import embedded_fonts


@pytest.fixture
def pair(app):
    town = factories.user(app, "municipality")
    firm = factories.user(app, "startup")
    office = factories.user(app, "manager")
    factories.capability(app, firm, title="窓口予約クラウド", categories=["disaster"])
    cid = factories.challenge(app, town, title="窓口予約の実証実験")
    pid = factories.pilot(app, office, cid, firm.org_id, stage="evaluation")
    factories.kpi(app, office, pid, name="窓口待ち時間", unit="分", baseline=30.0,
                  target=15.0, actual=12.0)
    evidence_factories.costs(app, pid, 1_200_000, 3_600_000)
    evidence_factories.scheme(app, town.org_id)
    return {"municipality": town, "startup": firm, "manager": office}, cid, pid


def _cert(app) -> Certification:
    with app.app_context():
        found = db.session.query(Certification).one()
        db.session.expunge(found)
        return found


def _draft(client, pid) -> int:
    response = client.post(f"/certifications/from-pilot/{pid}")
    assert response.status_code == 302 and "/certifications/" in response.headers["Location"]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


@pytest.mark.parametrize("who", ["municipality", "manager"])
def test_the_town_drafts_from_the_pilot_prefilled(client, app, pair, who):
    users, _cid, pid = pair
    factories.login(client, users[who])
    panel = get_page(client, f"/pilots/{pid}").select_one("#purchase")
    assert panel.select_one(f"form[action='/certifications/from-pilot/{pid}']")
    cert_id = _draft(client, pid)
    cert = _cert(app)
    assert cert.product_name == "窓口予約クラウド" and cert.state.value == "draft"
    assert "窓口待ち時間" in cert.novelty and "30分 → 12分" in cert.novelty
    assert "120万円" in cert.plan_funding
    assert _draft(client, pid) == cert_id  # a second click opens the same draft
    with app.app_context():
        assert db.session.query(HistoryEvent).filter_by(
            entity_type="certification", entity_id=cert_id).count() == 1


def test_drafting_in_a_town_without_the_scheme_is_refused(client, app, pair):
    users, _cid, pid = pair
    evidence_factories.scheme(app, users["municipality"].org_id, on=False)
    factories.login(client, users["municipality"])
    panel = get_page(client, f"/pilots/{pid}").select_one("#purchase")
    assert "認定制度を設けていません" in panel.get_text()
    response = client.post(f"/certifications/from-pilot/{pid}")
    assert response.status_code == 302 and response.headers["Location"].endswith("#purchase")
    page = get_page(client, response.headers["Location"])
    assert any("認定制度を設けていません" in m for m in flash_messages(page))
    with app.app_context():
        assert db.session.query(Certification).count() == 0


def test_the_startup_and_outsiders_cannot_draft(client, app, pair):
    users, _cid, pid = pair
    factories.login(client, users["startup"])
    assert client.post(f"/certifications/from-pilot/{pid}").status_code == 403
    outsider = app.test_client()
    factories.login(outsider, factories.user(app, "municipality"))
    assert outsider.post(f"/certifications/from-pilot/{pid}").status_code == 404
    with app.app_context():
        assert db.session.query(Certification).count() == 0


def test_edit_keeps_history_and_refuses_an_empty_name(client, app, pair):
    users, _cid, pid = pair
    factories.login(client, users["municipality"])
    cert_id = _draft(client, pid)
    page = get_page(client, f"/certifications/{cert_id}")
    version = page.select_one("form.cert-form input[name=version]")["value"]
    data = {"product_name": "", "plan_targets": "待ち時間を半分に", "version": version}
    page = post_page(client, f"/certifications/{cert_id}", data, status=400)
    assert field_errors(page, "product_name") and \
        page.select_one("#plan_targets").get_text().strip() == "待ち時間を半分に"
    data["product_name"] = "窓口予約クラウド 2.0"
    response = client.post(f"/certifications/{cert_id}", data=data)
    assert response.status_code == 302
    assert _cert(app).plan_targets == "待ち時間を半分に"
    assert "編集" in get_page(client, f"/certifications/{cert_id}").get_text()


GRANTED = date.today() - timedelta(days=30)
UNTIL = GRANTED + timedelta(days=3 * 365)


def _grant(client, cert_id, version="", **values):
    page = get_page(client, f"/certifications/{cert_id}")
    form = page.select_one("form.cert-form input[name=version]")
    data = {"decision": "granted", "number": "R8-001", "granted_on": GRANTED.isoformat(),
            "valid_until": UNTIL.isoformat(),
            "version": form["value"] if form else version} | values
    return client.post(f"/certifications/{cert_id}/decision", data=data)


@pytest.mark.parametrize("values, name, message", [
    ({"valid_until": (GRANTED - timedelta(days=1)).isoformat()}, "valid_until", "認定日より後"),
    ({"valid_until": GRANTED.isoformat()}, "valid_until", "認定日より後"),
    ({"granted_on": "1990-01-01"}, "granted_on", "5年前"),
    ({"valid_until": (GRANTED + timedelta(days=3700)).isoformat()}, "valid_until", "最長10年"),
    ({"number": ""}, "number", None),
    ({"granted_on": ""}, "granted_on", "認定日を入力"),
])
def test_a_grant_with_bad_dates_is_refused_and_kept(client, app, pair, values, name, message):
    users, _cid, pid = pair
    factories.login(client, users["municipality"])
    cert_id = _draft(client, pid)
    response = _grant(client, cert_id, **values)
    assert response.status_code == 400
    page = parse(response)
    errors = field_errors(page, name)
    assert errors and (message is None or message in errors[0]), errors
    assert page.select_one("#decision details").has_attr("open")
    assert page.select_one("#number")["value"] == values.get("number", "R8-001")
    assert _cert(app).state.value == "draft"


def test_granting_in_a_town_that_dropped_the_scheme_is_refused(client, app, pair):
    users, _cid, pid = pair
    factories.login(client, users["municipality"])
    cert_id = _draft(client, pid)
    evidence_factories.scheme(app, users["municipality"].org_id, on=False)
    response = _grant(client, cert_id)
    assert response.status_code == 400 and "認定制度" in response.get_data(as_text=True)
    assert _cert(app).state.value == "draft"


def test_grant_then_read_only_and_valid_for_the_route(client, app, pair):
    users, _cid, pid = pair
    factories.login(client, users["manager"])
    cert_id = _draft(client, pid)
    assert _grant(client, cert_id).status_code == 302
    cert = _cert(app)
    assert (cert.state.value, cert.number, cert.valid_until) == ("granted", "R8-001", UNTIL)
    with app.test_request_context():
        found = certifications.granted_for_startup(users["startup"].org_id,
                                                   today=GRANTED)
        assert [c.id for c in found] == [cert_id]
        assert certifications.valid_for(users["municipality"].org_id, users["startup"].org_id,
                                        today=GRANTED)
        after = UNTIL + timedelta(days=1)
        assert not certifications.valid_for(users["municipality"].org_id,
                                            users["startup"].org_id, today=after)
    assert _grant(client, cert_id, str(cert.version)).status_code == 409  # decided once
    page = get_page(client, f"/certifications/{cert_id}")
    assert not page.select("form.cert-form") and "R8-001" in page.get_text()


def test_refusal_needs_confirmation_and_a_reason(client, app, pair):
    users, _cid, pid = pair
    factories.login(client, users["municipality"])
    cert_id = _draft(client, pid)
    version = str(_cert(app).version)
    data = {"decision": "refused", "note": "新規性が不十分", "version": version}
    page = post_page(client, f"/certifications/{cert_id}/decision", data, status=400)
    assert "確認" in page.get_text() and _cert(app).state.value == "draft"
    page = post_page(client, f"/certifications/{cert_id}/decision",
                     data | {"note": "", "confirm": "yes"}, status=400)
    assert field_errors(page, "note")
    response = client.post(f"/certifications/{cert_id}/decision", data=data | {"confirm": "yes"})
    assert response.status_code == 302 and _cert(app).state.value == "refused"


def test_the_startup_reads_its_own_and_others_get_404(client, app, pair):
    users, _cid, pid = pair
    factories.login(client, users["municipality"])
    cert_id = _draft(client, pid)
    client = app.test_client()
    factories.login(client, users["startup"])
    page = get_page(client, f"/certifications/{cert_id}")
    assert not page.select("form.cert-form") and "窓口予約クラウド" in page.get_text()
    assert "窓口予約クラウド" in get_page(client, "/certifications/").get_text()
    assert client.post(f"/certifications/{cert_id}", data={"product_name": "x"}
                       ).status_code == 403
    assert client.post(f"/certifications/{cert_id}/decision",
                       data={"decision": "granted"}).status_code == 403
    for role in ("municipality", "startup"):
        client = app.test_client()
        factories.login(client, factories.user(app, role))
        for url in (f"/certifications/{cert_id}", f"/certifications/{cert_id}/application.pdf",
                    f"/certifications/{cert_id}/application.docx"):
            assert client.get(url).status_code == 404
        assert "窓口予約クラウド" not in get_page(client, "/certifications/").get_text()
    anonymous = app.test_client()
    assert anonymous.get(f"/certifications/{cert_id}").status_code == 302


def test_the_application_opens_as_pdf_and_docx(client, app, pair):
    users, _cid, pid = pair
    factories.login(client, users["municipality"])
    cert_id = _draft(client, pid)
    response = client.get(f"/certifications/{cert_id}/application.pdf")
    assert response.status_code == 200 and "attachment" in response.headers[
        "Content-Disposition"]
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
    for expected in ("新事業分野開拓者認定申請書", "事業計画の目標", "資金計画", "実施時期",
                     "認定基準への適合の根拠", "外部有識者の意見", "窓口予約クラウド", "実証"):
        assert expected in text, expected
    assert embedded_fonts(reader)
    response = client.get(f"/certifications/{cert_id}/application.docx?lang=en")
    document = docx.Document(io.BytesIO(response.data))
    body = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Application for certification" in body and "Funding plan" in body
    assert "窓口予約クラウド" in body


def test_a_draft_needs_the_pilots_results(client, app, pair):
    users, cid, _pid = pair
    other = factories.user(app, "startup")
    early = factories.pilot(app, users["manager"], cid, other.org_id, stage="meeting")
    factories.login(client, users["municipality"])
    response = client.post(f"/certifications/from-pilot/{early}")
    assert response.status_code == 302
    assert any("評価" in m for m in flash_messages(get_page(client, response.headers[
        "Location"])))
    with app.app_context():
        assert db.session.query(Certification).count() == 0
