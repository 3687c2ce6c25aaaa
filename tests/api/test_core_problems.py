"""Every error under /api/v1 is an RFC 9457 problem document, in the caller's language; the
scopes, the cookie rule, If-Match and the rate limit answer with theirs."""
from __future__ import annotations

import pytest

from govtech.api import problems
from govtech.api.me import MeIn
from govtech.services.errors import (
    ConcurrentChange,
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)

PROBLEM = "application/problem+json"


def _problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status and body["code"] == code
    assert body["type"].endswith(f"/api/v1/problems/{code}")
    assert body["title"] and body["detail"]
    return body


def test_unknown_path_in_japanese_by_default_and_in_english_on_request(api):
    ja = _problem(api.get("/api/v1/nothing-here"), 404, "not_found")
    en = _problem(api.get("/api/v1/nothing-here", headers={"Accept-Language": "en"}),
                  404, "not_found")
    assert ja["title"] == "見つかりません"
    assert en["title"] == "Not found"


def test_the_title_follows_accept_language_not_the_users_saved_language(api, token_for):
    town = token_for("municipality")
    body = _problem(api.patch("/api/v1/me", token=town, data="{",
                              content_type="application/json",
                              headers={"Accept-Language": "en-GB,en;q=0.8"}), 400, "invalid_json")
    assert body["title"] == "Bad request"


def test_problem_type_leads_to_its_documentation(api):
    response = api.get("/api/v1/problems/invalid_token")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/api/v1/docs#problem-invalid_token")


def test_method_not_allowed_names_the_allowed_methods(api, token_for):
    body = _problem(api.post("/api/v1/me", token=token_for("startup")), 405,
                    "method_not_allowed")
    assert body["status"] == 405


def test_read_token_cannot_write(api, token_for):
    reader = token_for("municipality", scopes=("read",))
    assert api.get("/api/v1/me", token=reader).status_code == 200
    response = api.patch("/api/v1/me", token=reader, json={"locale": "en"})
    _problem(response, 403, "insufficient_scope")
    assert 'scope="write"' in response.headers["WWW-Authenticate"]


def test_a_signed_in_cookie_never_writes_nor_reads_private_data(api, client, login_as):
    login_as("municipality")
    _problem(client.patch("/api/v1/me", json={"locale": "en"}), 401, "token_required")
    _problem(client.get("/api/v1/me"), 401, "unauthorized")


def test_token_requests_set_no_cookie(api, token_for):
    response = api.get("/api/v1/me", token=token_for("startup"))
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(("data", "content_type", "status", "code"), [
    ("{", "application/json", 400, "invalid_json"),
    ("[1, 2]", "application/json", 400, "invalid_json"),
    ("locale=en", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ('{"locale": "en"}', "text/plain", 415, "unsupported_media_type"),
    ('{"locale": 5}', "application/json", 422, "validation_failed"),
    ('{"locale": "fr"}', "application/json", 422, "validation_failed"),
    ('{"locale": "en", "role": "manager"}', "application/json", 422, "validation_failed"),
    ("\xff\xfe", "application/json", 400, "invalid_json"),
])
def test_bad_bodies_are_4xx_problems(api, token_for, data, content_type, status, code):
    response = api.patch("/api/v1/me", token=token_for("startup"), data=data,
                         content_type=content_type)
    _problem(response, status, code)


def test_validation_errors_name_the_field(api, token_for):
    body = _problem(api.patch("/api/v1/me", token=token_for("startup"),
                              json={"locale": 5, "role": "manager"}), 422, "validation_failed")
    assert {error["field"] for error in body["errors"]} == {"locale", "role"}


def test_oversized_bodies_are_413(app, api, token_for, monkeypatch):
    monkeypatch.setitem(app.config, "API_MAX_JSON_BYTES", 100)
    town = token_for("municipality")
    padded = '{"locale": "en"' + " " * 200 + "}"
    _problem(api.patch("/api/v1/me", token=town, data=padded,
                       content_type="application/json"), 413, "payload_too_large")
    huge = b"{" + b" " * (app.config["MAX_CONTENT_LENGTH"] + 10) + b"}"
    _problem(api.patch("/api/v1/me", token=town, data=huge,
                       content_type="application/json"), 413, "payload_too_large")


def test_bad_query_parameters_are_400_naming_the_parameter(api, token_for):
    town = token_for("municipality")
    for query, field in (("limit=1000", "limit"), ("limit=x", "limit"),
                         ("updated_since=yesterday", "updated_since"), ("colour=red", "colour"),
                         ("cursor=%%%", "cursor")):
        body = _problem(api.get(f"/api/v1/me/tokens?{query}", token=town), 400,
                        "invalid_parameter")
        assert [error["field"] for error in body["errors"]] == [field], query


def test_if_match_stale_is_412_and_current_is_accepted(api, token_for):
    town = token_for("municipality")
    etag = api.get("/api/v1/me", token=town).headers["ETag"]
    changed = api.patch("/api/v1/me", token=town, json={"locale": "en"},
                        headers={"If-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["locale"] == "en"
    assert changed.headers["ETag"] != etag
    _problem(api.patch("/api/v1/me", token=town, json={"locale": "ja"},
                       headers={"If-Match": etag}), 412, "precondition_failed")
    assert api.get("/api/v1/me", token=town).get_json()["locale"] == "en"  # nothing written
    _problem(api.patch("/api/v1/me", token=town, json={"locale": "ja"},
                       headers={"If-Match": "yesterday"}), 400, "invalid_header")


def test_unexpected_errors_are_500_problems_and_pages_keep_html(api, client, token_for,
                                                                monkeypatch):
    from govtech.api import me

    def broken(user):
        raise RuntimeError("boom")

    monkeypatch.setattr(me, "_me", broken)
    body = _problem(api.get("/api/v1/me", token=token_for("startup")), 500, "internal_error")
    assert "boom" not in body["detail"]
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_rate_limited_per_token_with_retry_after(app, api, token_for, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT_TOKEN", "3 per minute")
    first, second = token_for("municipality"), token_for("startup")
    for _ in range(3):
        assert api.get("/api/v1/me", token=first).status_code == 200
    limited = api.get("/api/v1/me", token=first)
    _problem(limited, 429, "rate_limited")
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert api.get("/api/v1/me", token=second).status_code == 200  # its own count


def test_anonymous_callers_are_limited_per_address(app, api, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT_ANONYMOUS", "2 per minute")
    assert api.get("/api/v1/openapi.json").status_code == 200
    assert api.get("/api/v1/openapi.json").status_code == 200
    _problem(api.get("/api/v1/openapi.json"), 429, "rate_limited")


@pytest.mark.parametrize(("error", "status", "code"), [
    (DomainError("bad", field="title"), 422, "validation_failed"),
    (InvalidTransition("no"), 409, "invalid_transition"),
    (ConcurrentChange("moved"), 409, "conflict"),
    (NotFound("gone"), 404, "not_found"),
    (PermissionDenied("no"), 403, "forbidden"),
])
def test_service_errors_map_to_problems(ctx, error, status, code):
    problem = problems.from_domain(error)
    assert (problem.status, problem.code, problem.detail) == (status, code, error.message)
    if code == "validation_failed":
        assert problem.errors == [{"field": "title", "message": "bad"}]


def test_a_stale_version_is_412_when_if_match_was_sent(app):
    with app.test_request_context(headers={"If-Match": '"3"'}):
        assert problems.from_domain(ConcurrentChange("moved")).status == 412


def test_body_model_is_strict(ctx):
    with pytest.raises(ValueError):
        MeIn.model_validate_json('{"locale": ["en"]}')


def test_text_with_a_nul_character_is_refused_naming_the_field(api, token_for):
    town = token_for("municipality")
    body = _problem(api.patch("/api/v1/me", token=town, data='{"locale": "e\\u0000n"}',
                              content_type="application/json"), 422, "validation_failed")
    assert body["errors"][0]["field"] == "locale"
    body = _problem(api.get("/api/v1/me/tokens?cursor=a%00b", token=town), 400,
                    "invalid_parameter")
    assert body["errors"][0]["field"] == "cursor"
