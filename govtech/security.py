"""Production hardening in one place: hosts, proxies, headers, links, bounded ids, deploy checks.

- Links that leave the site (mail) are built from PUBLIC_BASE_URL, never from the request's
  Host header, and production refuses any other host (Flask's TRUSTED_HOSTS).
- Behind a proxy, ProxyFix trusts exactly PROXY_FIX_HOPS hops of X-Forwarded-For/-Proto, so the
  rate limiter and the logs see the real client address, and nobody can forge it.
- Every response carries the security headers; signed-in pages and downloads are not cached.
- Path ids are bounded to the database's integer range: a huge id is a 404, not a 500.
- `flask check-deploy` lists unsafe production settings; production refuses to start with any.
"""
from __future__ import annotations

import sys
from urllib.parse import urlsplit

import click
from flask import Flask, current_app, request, url_for
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # INTEGER on PostgreSQL; SQLite's is wider, the smaller one bounds both
MIN_SECRET_BYTES = 32

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'")
PERMISSIONS = ("camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
               "interest-cohort=()")


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` in every route: non-negative and within the id column's range."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's parameter name
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def external_url(endpoint: str, **values) -> str:
    """An absolute link for mail: the configured public address plus the route's path."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + url_for(endpoint, **values)


def external_path(path: str) -> str:
    """An absolute link for a stored site path such as /pilots/3 ('' stays '')."""
    if not path:
        return ""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def deploy_problems(config) -> list[str]:
    """Every setting that makes a production deployment unsafe, in plain words."""
    problems = []
    if config.get("CONFIG_NAME") != "production":
        problems.append("GOVTECH_CONFIG must be 'production' (development cookies and "
                        "settings otherwise).")
    secret = config.get("SECRET_KEY") or ""
    if len(secret.encode()) < MIN_SECRET_BYTES or secret in ("dev", "test-only-not-secret"):
        problems.append(f"SECRET_KEY must be at least {MIN_SECRET_BYTES} random bytes "
                        "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))').")
    base = urlsplit(config.get("PUBLIC_BASE_URL") or "")
    if base.scheme != "https" or not base.hostname:
        problems.append("PUBLIC_BASE_URL must be the site's https:// address; links in mail "
                        "are built from it.")
    if not config.get("MAIL_SERVER") and not config.get("MAIL_FILE_OUTBOX"):
        problems.append("MAIL_SERVER is not set: set it, or choose the file outbox explicitly "
                        "with MAIL_FILE_OUTBOX=1 (reset links then go to files, not people).")
    if config.get("WEB_CONCURRENCY", 1) > 1 and not config.get("REDIS_URL"):
        problems.append("REDIS_URL is not set while more than one worker runs: each worker "
                        "would count login attempts and rate limits on its own.")
    if not config.get("SESSION_COOKIE_SECURE"):
        problems.append("SESSION_COOKIE_SECURE must be on (cookies only over https).")
    if config.get("DEBUG"):
        problems.append("DEBUG must be off.")
    return problems


def checking_deploy() -> bool:
    """This process runs `flask check-deploy`, which must start to list what is unsafe."""
    return "check-deploy" in sys.argv[1:]


def refuse_unsafe_production(app: Flask) -> None:
    """Production does not start while a setting is unsafe; `flask check-deploy` itself must
    still run, to list them."""
    if app.config.get("CONFIG_NAME") != "production" or checking_deploy():
        return
    problems = deploy_problems(app.config)
    if problems:
        raise RuntimeError("Unsafe production settings (see `flask check-deploy`):\n- "
                           + "\n- ".join(problems))


def init_app(app: Flask) -> None:
    refuse_unsafe_production(app)
    app.url_map.converters["int"] = BoundedIntConverter
    hops = int(app.config.get("PROXY_FIX_HOPS") or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    base = urlsplit(app.config.get("PUBLIC_BASE_URL") or "")
    if app.config.get("CONFIG_NAME") == "production" and not app.config.get("TRUSTED_HOSTS"):
        app.config["TRUSTED_HOSTS"] = [base.hostname] if base.hostname else []

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("Permissions-Policy", PERMISSIONS)
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("CONFIG_NAME") == "production":
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        private = current_user.is_authenticated or "attachment" in headers.get(
            "Content-Disposition", "")
        if private and request.endpoint != "static":
            headers["Cache-Control"] = "no-store"
            response.vary.add("Cookie")
        return response

    @app.cli.command("check-deploy")
    def check_deploy() -> None:
        """List every unsafe production setting (exit status 1 if there is any)."""
        problems = deploy_problems(app.config)
        for problem in problems:
            click.echo(f"✗ {problem}")
        if problems:
            raise SystemExit(1)
        click.echo("✓ No unsafe production setting found.")
