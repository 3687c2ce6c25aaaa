"""Configuration objects, picked by name (`GOVTECH_CONFIG`) or passed in by tests."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from govtech import security


def _secret_key(instance_path: str) -> str:
    """Read SECRET_KEY from the environment, else from a file generated once under instance/.

    The key is never a constant in the code, and a development restart keeps sessions valid.
    """
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url(url: str) -> str:
    """Let people paste the common `postgres://` form; SQLAlchemy wants psycopg 3 spelled out."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    """Defaults for development: SQLite under instance/, mail to an outbox folder."""

    SQLALCHEMY_DATABASE_URI: str | None = None  # filled in by load()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    BABEL_DEFAULT_LOCALE = "ja"
    BABEL_DEFAULT_TIMEZONE = "Asia/Tokyo"
    LANGUAGES = ("ja", "en")
    REDIS_URL = os.environ.get("REDIS_URL")
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down: limits are counted in each process's memory, with a logged warning, and
    # pages keep serving (the limiter checks Redis again with a growing back-off).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # the programme-wide dashboard figures are kept this long per process (figure_cache)
    DASHBOARD_CACHE_SECONDS = int(os.environ.get("DASHBOARD_CACHE_SECONDS", "60"))
    # a rebuild whose progress row was not touched this long counts as dead (its worker died)
    REBUILD_STALE_MINUTES = int(os.environ.get("REBUILD_STALE_MINUTES", "10"))
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
    LOGIN_LIMIT_PER_ADDRESS = "20 per 15 minutes"
    RESET_TOKEN_MAX_AGE = 3600
    INVITE_TOKEN_MAX_AGE = 7 * 24 * 3600
    CONFIRM_TOKEN_MAX_AGE = 3 * 24 * 3600  # a sign-up's e-mail confirmation link
    EMAIL_CHANGE_TOKEN_MAX_AGE = 24 * 3600  # the link that confirms a new e-mail address
    EMAIL_CHANGE_LIMIT = "5 per hour"  # e-mail change requests per user (no mail bombing)
    INVITES_PER_ORG_PER_DAY = int(os.environ.get("INVITES_PER_ORG_PER_DAY", "20"))
    SIGNUP_LIMIT_PER_ADDRESS = "10 per hour"
    # an account under attack slows down: after LOGIN_DELAY_AFTER failures (within
    # LOGIN_DELAY_WINDOW seconds) each further failure doubles a wait, from
    # LOGIN_DELAY_SECONDS up to LOGIN_DELAY_MAX_SECONDS (15 minutes)
    LOGIN_DELAY_AFTER = 10  # past the per-account limit: a persistent attack, not a typo
    LOGIN_DELAY_WINDOW = 24 * 3600
    LOGIN_DELAY_SECONDS = 30
    LOGIN_DELAY_MAX_SECONDS = 15 * 60
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "1") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER",
                                         "noreply@govtech-accelerator.example")
    MAIL_OUTBOX = None  # folder for mail when no MAIL_SERVER; defaults to instance/outbox
    MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024  # a proposal's PDF
    MAX_CONTENT_LENGTH = 6 * 1024 * 1024  # whole request: the PDF plus the form around it
    PER_PAGE = 20
    # bandit B105 below: a hash method's name, not a password
    PASSWORD_HASH_METHOD = "scrypt"  # nosec B105
    MATCHER_REFIT_LIMIT = 3000  # documents; see services.recommendations.index.matcher
    RECOMMENDATION_MIN_SCORE = 0.05  # weaker pairs are noise to a reader
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    # Sign-in sessions (services.sessions): ended after this long without a request, and after
    # this long in any case; the last-seen time is written at most once a minute.
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
    AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "365"))  # flask audit prune
    PROGRAMME_NAME = "GovTech Accelerator"
    # Links in mail are built from this address, never from the request (see govtech.security).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))  # proxies in front of the app
    TRUSTED_HOSTS = [h for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h] or None
    WEB_CONCURRENCY = int(os.environ.get("WEB_CONCURRENCY", "1"))  # gunicorn's worker count
    MAIL_FILE_OUTBOX = os.environ.get("MAIL_FILE_OUTBOX") == "1"  # production: chosen on purpose


class DevelopmentConfig(Config):
    DEBUG = False


class TestConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    # bandit B105 below: tests only; production refuses a key like this (security.py)
    SECRET_KEY = "test-only-not-secret"  # nosec B105
    RATELIMIT_STORAGE_URI = "memory://"
    DASHBOARD_CACHE_SECONDS = 0  # every test counts afresh
    MAIL_SERVER = None
    # bandit B105 below: a hash method's name, fast for tests; production uses scrypt
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # nosec B105
    PUBLIC_BASE_URL = "http://localhost"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {"development": DevelopmentConfig, "production": ProductionConfig, "test": TestConfig}


def load(app, config: dict | None) -> None:
    """Apply the named config class, the environment, then the caller's overrides."""
    name = os.environ.get("GOVTECH_CONFIG", "development")
    if config and "CONFIG_NAME" in config:
        name = config["CONFIG_NAME"]
    if name not in CONFIGS:
        raise RuntimeError(f"Unknown GOVTECH_CONFIG {name!r}; use one of {sorted(CONFIGS)}")
    app.config.from_object(CONFIGS[name])
    app.config["CONFIG_NAME"] = name
    if config:
        app.config.update(config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        default = "sqlite:///" + os.path.join(app.instance_path, "govtech.sqlite3")
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL", default)
    app.config["SQLALCHEMY_DATABASE_URI"] = _database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config.get("REDIS_URL") and not app.config.get("TESTING"):
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    if not app.config.get("SECRET_KEY"):
        if name == "production" and not os.environ.get("SECRET_KEY"):
            if not security.checking_deploy():
                raise RuntimeError("SECRET_KEY must be set in production")
            # empty on purpose: `flask check-deploy` reports it (bandit B105: not a password)
            app.config["SECRET_KEY"] = ""  # nosec B105
        else:
            app.config["SECRET_KEY"] = _secret_key(app.instance_path)
    # The request limit leaves room for the form around the largest allowed attachment.
    app.config["MAX_CONTENT_LENGTH"] = max(app.config.get("MAX_CONTENT_LENGTH") or 0,
                                           app.config["MAX_ATTACHMENT_BYTES"] + 1024 * 1024)
    if not app.config.get("MAIL_OUTBOX"):
        app.config["MAIL_OUTBOX"] = os.path.join(app.instance_path, "outbox")
