"""Fixtures: one app per session, a clean database for every test, clients logged in by role.

Tests that drive the client never hold an app context across requests (Flask would reuse it, and
with it the cached locale and identity map); data is made through `tests.factories`, which opens
its own context. Service tests use the `ctx` fixture instead.
"""
from __future__ import annotations

import os

import pytest

from govtech import create_app, jobs
from govtech.extensions import db, limiter
from govtech.services import bulk, recommendations
from tests import factories

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    os.environ["GOVTECH_INSTANCE"] = str(instance)  # keep the developer's instance/ untouched
    url = TEST_DATABASE_URL or f"sqlite:///{instance}/test.sqlite3"
    app = create_app({
        "CONFIG_NAME": "test",
        "SQLALCHEMY_DATABASE_URI": url,
        "MAIL_OUTBOX": str(instance / "outbox"),
        "SERVER_NAME": "localhost",
    })
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean(request):
    """Empty every table and the rate-limit counters after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    jobs.wait_for_threads()  # a background rebuild must not outlive its test
    with app.app_context():
        bulk.empty_all()
        limiter.reset()


@pytest.fixture
def fresh_index():
    """The matcher's in-process index is fitted on what this test stored, never kept from an
    earlier test's data."""
    recommendations.forget_index()
    yield
    recommendations.forget_index()


@pytest.fixture
def ctx(app):
    """A request context for service tests (url_for, translations, the session)."""
    with app.test_request_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def outbox(app):
    """The mail written to the development outbox during the test, as parsed messages."""
    box = factories.Outbox(app.config["MAIL_OUTBOX"])
    box.clear()
    return box


@pytest.fixture
def login_as(app, client):
    """Log the client in as a new user of the given role; returns the user's record."""

    def _login(role: str = "municipality", **kwargs):
        user = factories.user(app, role, **kwargs)
        factories.login(client, user)
        return user

    return _login
