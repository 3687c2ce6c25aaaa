"""Public pages and the health check."""
from tests import factories


def test_front_page_counts_only_approved(client, app):
    town = factories.user(app, "municipality")
    factories.user(app, "startup", state="pending")
    factories.challenge(app, town, state="open")
    factories.challenge(app, town, state="draft")
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "Solve local challenges with startups" in page
    assert '<span class="stat-number">1</span><span class="stat-label">Municipalities' in page
    assert '<span class="stat-number">0</span><span class="stat-label">Startups' in page
    assert '<span class="stat-number">1</span><span class="stat-label">Open challenges' in page
    assert '<span class="stat-number">0</span><span class="stat-label">Pilots' in page


def test_health_reports_database(client):
    response = client.get("/health")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def test_unknown_page_is_translated_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "見つかりません" in response.get_data(as_text=True)


def test_security_headers(client):
    headers = client.get("/").headers
    assert headers["X-Frame-Options"] == "DENY" and "default-src 'self'" in headers[
        "Content-Security-Policy"]
