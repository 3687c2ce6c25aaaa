"""Public pages and the health check."""
from tests import factories
from tests.html import get_page, text


def test_front_page_counts_only_approved(client, app):
    town = factories.user(app, "municipality")
    factories.user(app, "startup", state="pending")
    factories.challenge(app, town, state="open")
    factories.challenge(app, town, state="draft")
    page = get_page(client, "/?lang=en")
    assert "Solve local challenges with startups" in text(page.main)
    stats = {text(stat.select_one(".stat-label")): text(stat.select_one(".stat-number"))
             for stat in page.select(".stats .stat")}
    assert stats["Municipalities"] == "1" and stats["Startups"] == "0"
    assert stats["Open challenges"] == "1" and stats["Pilots"] == "0"


def test_health_reports_database(client):
    response = client.get("/health")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def test_unknown_page_is_translated_404(client):
    page = get_page(client, "/no-such-page", status=404)
    assert "見つかりません" in text(page.main)


def test_security_headers(client):
    headers = client.get("/").headers
    assert headers["X-Frame-Options"] == "DENY" and "default-src 'self'" in headers[
        "Content-Security-Policy"]
