"""Production hardening: links from the configured address, hosts, proxies, headers, bounds."""
from __future__ import annotations

import re

import pytest

from govtech import create_app, security
from govtech.extensions import db, limiter
from tests import factories
from tests.test_config import SAFE_PRODUCTION

SECRET = "s" * 48


@pytest.fixture
def production(monkeypatch, tmp_path):
    """A production app on its own SQLite file, as a proxy-fronted deployment runs it."""
    monkeypatch.setenv("SECRET_KEY", SECRET)
    app = create_app(SAFE_PRODUCTION | {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/prod.sqlite3",
        "MAIL_OUTBOX": str(tmp_path / "outbox"), "MAIL_SERVER": None, "MAIL_FILE_OUTBOX": True,
        "PROXY_FIX_HOPS": 1, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "RATELIMIT_STORAGE_URI": "memory://", "WTF_CSRF_ENABLED": False})
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()
        limiter.reset()


def test_reset_link_ignores_a_foreign_host_header(production, tmp_path):
    """A reset request with Host: attacker.example still mails a link to the public address."""
    user = factories.user(production, "manager")
    client = production.test_client()
    client.post("/password/forgot", data={"email": user.email},
                headers={"Host": "govtech.example.jp", "X-Forwarded-Host": "attacker.example"},
                base_url="https://govtech.example.jp")
    mails = list((tmp_path / "outbox").glob("*.eml"))
    assert len(mails) == 1
    body = mails[0].read_text(encoding="utf-8")
    assert "attacker.example" not in body
    assert re.search(r"https://govtech\.example\.jp/password/reset/\S+", body)


def test_production_refuses_other_hosts(production):
    """TRUSTED_HOSTS comes from PUBLIC_BASE_URL: a request for another host is a 400."""
    client = production.test_client()
    assert client.get("/", base_url="https://govtech.example.jp").status_code == 200
    assert client.get("/", base_url="https://attacker.example").status_code == 400


def test_development_mail_links_use_the_public_base_url(app, client, outbox):
    """Links come from PUBLIC_BASE_URL even when the request names another host."""
    user = factories.user(app, "municipality")
    client.post("/password/forgot", data={"email": user.email})
    assert re.search(r"http://localhost/password/reset/\S+", outbox.last_body())


def test_proxy_hops_give_the_limiter_the_real_client(production):
    """Behind one proxy, failed logins from one address do not lock out another address."""
    client = production.test_client()
    site = "https://govtech.example.jp"
    for attempt in range(25):
        client.post("/login", data={"email": f"nobody{attempt}@example.jp", "password": "x"},
                    headers={"X-Forwarded-For": "203.0.113.5"}, base_url=site)
    blocked = client.post("/login", data={"email": "late@example.jp", "password": "x"},
                          headers={"X-Forwarded-For": "203.0.113.5"}, base_url=site)
    other = client.post("/login", data={"email": "late@example.jp", "password": "x"},
                        headers={"X-Forwarded-For": "198.51.100.7"}, base_url=site)
    assert blocked.status_code == 429
    assert other.status_code == 401


def test_check_deploy_lists_every_unsafe_setting(monkeypatch):
    """`flask check-deploy` names each problem and exits 1; a safe configuration exits 0."""
    monkeypatch.setenv("SECRET_KEY", "short")
    monkeypatch.setattr("sys.argv", ["flask", "check-deploy"])
    app = create_app({"CONFIG_NAME": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "PUBLIC_BASE_URL": "http://insecure.example", "MAIL_SERVER": None,
                      "WEB_CONCURRENCY": 4, "REDIS_URL": None})
    result = app.test_cli_runner().invoke(args=["check-deploy"])
    assert result.exit_code == 1
    for word in ("SECRET_KEY", "PUBLIC_BASE_URL", "MAIL_SERVER", "REDIS_URL"):
        assert word in result.output
    monkeypatch.setenv("SECRET_KEY", SECRET)
    safe = create_app(SAFE_PRODUCTION)
    result = safe.test_cli_runner().invoke(args=["check-deploy"])
    assert result.exit_code == 0, result.output


def test_production_does_not_start_while_unsafe(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", SECRET)
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        create_app(SAFE_PRODUCTION | {"PUBLIC_BASE_URL": "http://plain.example"})


def test_security_headers(production):
    """The policy limits forms, base and framing; production adds HSTS."""
    response = production.test_client().get("/", base_url="https://govtech.example.jp")
    policy = response.headers["Content-Security-Policy"]
    for directive in ("form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in policy
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_signed_in_pages_and_downloads_are_not_stored(app, client, login_as):
    login_as("manager")
    for url in ("/home", "/dashboard/", "/dashboard/export/funnel.csv"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url


def test_development_has_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def _id_routes(app):
    for rule in app.url_map.iter_rules():
        if any(name in rule._converters and isinstance(rule._converters[name],
                                                       security.BoundedIntConverter)
               for name in rule.arguments):
            yield rule


@pytest.mark.parametrize("role", ["anonymous", "manager", "municipality", "startup"])
def test_ids_beyond_the_column_range_are_404(app, client, login_as, role):
    """Every route with an id answers a huge id with 404, never a 500 (OverflowError)."""
    if role != "anonymous":
        login_as(role)
    checked = 0
    for rule in _id_routes(app):
        values = {name: "99999999999999999999999" for name in rule.arguments}
        path = rule.rule
        for name, value in values.items():
            path = re.sub(rf"<[^>]*\b{name}>", value, path)
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            response = client.open(path, method=method)
            # werkzeug answers some unmatched API addresses 405 (the path is known under another
            # method); either way a refusal, never the OverflowError's 500
            allowed = {404, 405} if path.startswith("/api/") else {404}
            assert response.status_code in allowed, f"{method} {path} as {role}"
            checked += 1
    assert checked > 20
