"""API fixtures: a token per role made through the service, and a client that sends it.

    def test_something(api, token_for):
        town = token_for("municipality")             # a new user of that role and a token
        response = api.get("/api/v1/me", token=town)  # Authorization: Bearer …
        assert response.status_code == 200

`token_for(role, scopes=("read", "write"), **user_kwargs)` returns an `ApiUser` (the factory's
UserRecord as `.user`, the secret as `.secret`); `api` is a test client whose methods take
`token=` (an ApiUser or a raw secret) and `json=` as usual.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from govtech.extensions import db
from govtech.models import User
from govtech.services import api_tokens
from tests import factories


@dataclass(frozen=True)
class ApiUser:
    user: factories.UserRecord
    secret: str
    token_id: int


def make_token(app, record: factories.UserRecord, scopes=("read", "write"), days: int = 30,
               name: str = "test") -> ApiUser:
    with app.test_request_context():
        created = api_tokens.create(db.session.get(User, record.id), name, list(scopes), days)
        return ApiUser(record, created.secret, created.token.id)


@pytest.fixture
def token_for(app):
    def _token(role: str = "municipality", scopes=("read", "write"), **kwargs) -> ApiUser:
        return make_token(app, factories.user(app, role, **kwargs), scopes)

    return _token


class ApiClient:
    def __init__(self, client):
        self.client = client

    def open(self, method: str, url: str, *, token=None, headers=None, **kwargs):
        headers = dict(headers or {})
        if token is not None:
            secret = token.secret if isinstance(token, ApiUser) else token
            headers["Authorization"] = f"Bearer {secret}"
        return self.client.open(url, method=method, headers=headers, **kwargs)

    def get(self, url: str, **kwargs):
        return self.open("GET", url, **kwargs)

    def post(self, url: str, **kwargs):
        return self.open("POST", url, **kwargs)

    def patch(self, url: str, **kwargs):
        return self.open("PATCH", url, **kwargs)

    def put(self, url: str, **kwargs):
        return self.open("PUT", url, **kwargs)

    def delete(self, url: str, **kwargs):
        return self.open("DELETE", url, **kwargs)


@pytest.fixture
def api(app):
    return ApiClient(app.test_client())
