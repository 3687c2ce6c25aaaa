"""The OpenAPI 3.1 document and the reference page."""
from __future__ import annotations

import re

from openapi_spec_validator import validate

from govtech.api.declare import OPERATIONS
from govtech.permissions import POLICY
from tests.html import parse


def test_document_validates_as_openapi_3_1_and_describes_tokens_and_problems(api):
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"] == "3.1.0"
    validate(doc)
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    me = doc["paths"]["/api/v1/me"]
    assert me["get"]["x-scope"] == "read" and me["patch"]["x-scope"] == "write"
    assert me["get"]["x-mirrors"] == ["auth.account"]
    assert "application/problem+json" in me["patch"]["responses"]["422"]["content"]
    assert me["patch"]["requestBody"]["content"]["application/json"]


def test_every_operation_has_a_policy_line_and_is_documented(api):
    doc = api.get("/api/v1/openapi.json").get_json()
    ids = {op["operationId"] for item in doc["paths"].values() for op in item.values()}
    for endpoint in OPERATIONS:
        assert endpoint in POLICY, endpoint
        assert endpoint.removeprefix("api.") in ids, endpoint


def test_reference_page_uses_no_external_url_and_no_script(api):
    response = api.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = parse(response)
    assert page.select_one("#op-get_me") is not None
    assert page.select_one("#problem-insufficient_scope") is not None
    html = response.get_data(as_text=True)
    external = [url for url in re.findall(r'(?:src|href)="([^"]+)"', html)
                if url.startswith(("http:", "https:", "//"))]
    assert external == []
    assert not [tag for tag in page.select("script") if tag.get("src") is None]


def test_timestamps_carry_their_offset(api, token_for):
    body = api.get("/api/v1/me", token=token_for("startup")).get_json()
    for value in (body["updated_at"], body["token"]["created_at"], body["token"]["expires_at"]):
        assert value.endswith(("Z", "+00:00")), value


def test_models_of_the_same_name_keep_their_own_schemas(api):
    doc = api.get("/api/v1/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    me = schemas["MeOut"]["properties"]["organisation"]["anyOf"][0]["$ref"].rsplit("/", 1)[-1]
    assert set(schemas[me]["required"]) == {"id", "name", "kind", "state"}
    assert "MyOrganisation" in me
    responses = list(doc["paths"]["/api/v1/me"]["get"]["responses"])
    assert responses[0] == "200"
