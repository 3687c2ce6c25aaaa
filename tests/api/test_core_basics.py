"""The API's foundation: /me with a token, anonymous callers, the document."""
from __future__ import annotations

from openapi_spec_validator import validate


def test_me_answers_with_the_tokens_user(api, token_for):
    town = token_for("municipality")
    response = api.get("/api/v1/me", token=town)
    assert response.status_code == 200
    body = response.get_json()
    assert body["email"] == town.user.email
    assert body["role"] == "municipality"
    assert body["token"]["scopes"] == ["read", "write"]
    assert response.headers["ETag"] == f'"{body["version"]}"'
    assert "Set-Cookie" not in response.headers


def test_me_without_a_token_is_a_401_problem(api):
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "unauthorized"


def test_openapi_document_validates_as_3_1(api):
    response = api.get("/api/v1/openapi.json")
    doc = response.get_json()
    assert doc["openapi"].startswith("3.1")
    validate(doc)
    assert "/api/v1/me" in doc["paths"]
