"""Personal access tokens: the account page, the service, and what a token opens."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from govtech.extensions import db
from govtech.models import User
from govtech.models.api_token import ApiToken
from govtech.services import api_tokens
from govtech.services.errors import DomainError, NotFound
from tests import factories
from tests.api.conftest import make_token
from tests.html import parse


def _token(app, token_id: int) -> ApiToken:
    with app.app_context():
        found = db.session.get(ApiToken, token_id)
        db.session.expunge(found)
        return found


def test_created_on_the_account_page_shown_once_and_stored_hashed(app, client, login_as):
    me = login_as("municipality")
    page = client.get("/account")
    assert parse(page).select_one('a[href="/account/api-tokens"]') is not None
    response = client.post("/account/api-tokens", data={
        "token-name": "Power BI", "token-scopes": "read", "token-days": "90"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    secret = parse(response).select_one("#new-token-secret")["value"]
    assert secret.startswith("gta_") and len(secret) > 40
    again = client.get("/account/api-tokens").get_data(as_text=True)
    assert secret not in again and "Power BI" in again
    with app.app_context():
        stored = db.session.scalars(db.select(ApiToken)).one()
        assert stored.user_id == me.id and stored.scopes == "read"
        assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in (stored.prefix, stored.name, stored.secret_hash)
        assert timedelta(days=89) < (api_tokens._aware(stored.expires_at)
                                     - api_tokens._aware(stored.created_at)) <= timedelta(days=90)


def test_a_nameless_token_is_refused_on_the_page(client, login_as):
    login_as("startup")
    response = client.post("/account/api-tokens", data={
        "token-name": "", "token-scopes": "read", "token-days": "90"})
    assert response.status_code == 400
    assert parse(response).select_one("#new-token-secret") is None


def test_revoked_on_the_page_with_confirmation_and_then_refused(app, client, login_as, api):
    me = login_as("municipality")
    token = make_token(app, me)
    assert api.get("/api/v1/me", token=token).status_code == 200
    url = f"/account/api-tokens/{token.token_id}/revoke"
    assert client.post(url).status_code == 400  # the box not ticked
    assert _token(app, token.token_id).revoked_at is None
    assert client.post(url, data={"confirm": "yes"}).status_code == 302
    assert _token(app, token.token_id).revoked_at is not None
    refused = api.get("/api/v1/me", token=token)
    assert refused.status_code == 401 and refused.get_json()["code"] == "invalid_token"


def test_someone_elses_token_cannot_be_revoked(app, client, login_as):
    other = make_token(app, factories.user(app, "startup"))
    login_as("municipality")
    assert client.post(f"/account/api-tokens/{other.token_id}/revoke",
                       data={"confirm": "yes"}).status_code == 404
    assert _token(app, other.token_id).revoked_at is None


def test_expired_token_is_refused(app, api, monkeypatch):
    token = make_token(app, factories.user(app, "startup"), days=1)
    later = api_tokens.clock() + timedelta(days=1, seconds=1)
    monkeypatch.setattr(api_tokens, "clock", lambda: later)
    response = api.get("/api/v1/me", token=token)
    assert response.status_code == 401
    assert response.get_json()["code"] == "invalid_token"


def test_last_used_is_noted_at_most_once_a_minute(app, api, monkeypatch):
    token = make_token(app, factories.user(app, "municipality"))
    assert _token(app, token.token_id).last_used_at is None
    api.get("/api/v1/me", token=token)
    first = _token(app, token.token_id).last_used_at
    assert first is not None
    api.get("/api/v1/me", token=token)
    assert _token(app, token.token_id).last_used_at == first
    later = api_tokens.clock() + timedelta(minutes=2)
    monkeypatch.setattr(api_tokens, "clock", lambda: later)
    api.get("/api/v1/me", token=token)
    assert _token(app, token.token_id).last_used_at != first


@pytest.mark.parametrize(("name", "scopes", "days", "field"), [
    ("", ["read"], 30, "name"), ("x" * 101, ["read"], 30, "name"),
    ("ok", [], 30, "scopes"), ("ok", ["admin"], 30, "scopes"),
    ("ok", ["read"], 0, "days"), ("ok", ["read"], 400, "days"),
])
def test_service_refuses_bad_tokens(app, ctx, name, scopes, days, field):
    record = factories.user(app, "startup")
    with pytest.raises(DomainError) as refused:
        api_tokens.create(db.session.get(User, record.id), name, scopes, days)
    assert refused.value.field == field


def test_write_scope_includes_read_and_revoke_is_own_only(app, ctx):
    owner = db.session.get(User, factories.user(app, "startup").id)
    stranger = db.session.get(User, factories.user(app, "municipality").id)
    created = api_tokens.create(owner, "sync", ["write"], 30)
    assert created.token.scope_list == ["read", "write"]
    with pytest.raises(NotFound):
        api_tokens.revoke(stranger, created.token.id)
    api_tokens.revoke(owner, created.token.id)
    assert api_tokens.authenticate(created.secret) is None


def test_a_disabled_users_token_opens_nothing(app, api):
    record = factories.user(app, "startup")
    token = make_token(app, record)
    with app.app_context():
        db.session.get(User, record.id).is_disabled = True
        db.session.commit()
    assert api.get("/api/v1/me", token=token).status_code == 401


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer ", "gta_x", "Bearer ä"])
def test_malformed_authorization_header_is_a_401_problem(api, header):
    response = api.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] in ("invalid_header", "invalid_token")


def test_unknown_token_is_refused(api):
    response = api.get("/api/v1/me", token="gta_" + "x" * 40)
    assert response.status_code == 401
    assert response.get_json()["code"] == "invalid_token"
    assert "invalid_token" in response.headers["WWW-Authenticate"]
