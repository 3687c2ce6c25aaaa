"""The commitment at posting through the API: the same fields, rules and filter as the form."""
from __future__ import annotations

from datetime import date

import pytest

from govtech.services import budget_calendar
from tests import factories

COMMITMENT = {"budget_owner": "市民課", "procurement_route": "proposal",
              "success_criteria": "待ち時間を30%短縮", "success_kpis": ["待ち時間"],
              "adoption_fiscal_year": 2027}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(budget_calendar, "today", lambda: date(2026, 12, 2))


def test_create_read_and_filter_the_commitment(app, api, token_for):
    town = token_for("municipality")
    manager = token_for("manager")
    created = api.post("/api/v1/challenges", token=town, json={"title": "窓口DX", **COMMITMENT})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["has_commitment"] is True
    assert {k: body[k] for k in COMMITMENT} == COMMITMENT
    bare = api.post("/api/v1/challenges", token=town, json={"title": "約束なし"}).get_json()
    assert bare["has_commitment"] is False and bare["procurement_route"] == "undecided"
    missing = api.get("/api/v1/challenges?commitment=missing", token=manager).get_json()
    assert [item["id"] for item in missing["items"]] == [bare["id"]]
    made = api.get("/api/v1/challenges?commitment=made", token=manager).get_json()
    assert [item["id"] for item in made["items"]] == [body["id"]]


@pytest.mark.parametrize(("change", "field"), [
    ({"adoption_fiscal_year": 2025}, "adoption_fiscal_year"),
    ({"adoption_fiscal_year": 2032}, "adoption_fiscal_year"),
    ({"procurement_route": "bribery"}, "procurement_route"),
    ({"procurement_route": "certified"}, "procurement_route"),
    ({"procurement_route": "small_amount", "budget_max": 101}, "procurement_route"),
    ({"success_kpis": ["k"] * 11}, "success_kpis"),
])
def test_the_forms_rules_apply(app, api, token_for, change, field):
    town = token_for("municipality")
    response = api.post("/api/v1/challenges", token=town,
                        json={"title": "x", **COMMITMENT, **change})
    assert response.status_code == 422, response.get_json()
    assert [e["field"] for e in response.get_json()["errors"]] == [field]


def test_patch_checks_a_budget_against_the_chosen_route(app, api, token_for):
    town = token_for("municipality")
    challenge_id = factories.challenge(app, town.user, budget_max=80, **(
        COMMITMENT | {"procurement_route": "small_amount"}))
    url = f"/api/v1/challenges/{challenge_id}"
    refused = api.patch(url, token=town, json={"budget_max": 150})
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["field"] == "procurement_route"
    null_route = api.patch(url, token=town, json={"procurement_route": None})
    assert null_route.status_code == 422
    ok = api.patch(url, token=town, json={"procurement_route": "proposal", "budget_max": 150})
    assert ok.status_code == 200 and ok.get_json()["procurement_route"] == "proposal"
