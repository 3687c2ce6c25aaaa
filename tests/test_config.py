"""Configuration: secrets never in code, production strict, DATABASE_URL spelled for psycopg 3."""
from __future__ import annotations

import pytest

from govtech import create_app


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"CONFIG_NAME": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


SAFE_PRODUCTION = {"CONFIG_NAME": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                   "PUBLIC_BASE_URL": "https://govtech.example.jp",
                   "MAIL_SERVER": "smtp.example.jp"}


def test_production_sets_secure_cookies(monkeypatch):
    secret = "from-the-environment-" + "x" * 32
    monkeypatch.setenv("SECRET_KEY", secret)
    app = create_app(SAFE_PRODUCTION)
    assert app.config["SECRET_KEY"] == secret
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"]


def test_development_generates_a_key_once(tmp_path, monkeypatch):
    """No constant in the code: a random key is written to instance/ and reused."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("GOVTECH_INSTANCE", str(tmp_path))
    first = create_app({"CONFIG_NAME": "development", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    second = create_app({"CONFIG_NAME": "development", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert len(first.config["SECRET_KEY"]) >= 40
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_postgres_urls_use_psycopg3(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://govtech@db/govtech")
    app = create_app({"CONFIG_NAME": "test"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://govtech@db/govtech"


def test_unknown_config_name_is_refused():
    with pytest.raises(RuntimeError, match="Unknown GOVTECH_CONFIG"):
        create_app({"CONFIG_NAME": "staging"})
