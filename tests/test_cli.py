"""Command-line tasks: creating managers and loading the demo programme."""
from sqlalchemy import func, select

from govtech.extensions import db
from govtech.models import HistoryEvent, Organisation, User


def test_create_manager_with_password_option(app):
    result = app.test_cli_runner().invoke(args=["users", "create-manager", "boss@example.jp",
                                                "--password", "programme-office-1"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        role = db.session.scalar(select(User.role).where(User.email == "boss@example.jp"))
    assert role == "manager"


def test_create_manager_prompts_for_password(app):
    result = app.test_cli_runner().invoke(args=["users", "create-manager", "boss@example.jp"],
                                          input="programme-office-1\nprogramme-office-1\n")
    assert result.exit_code == 0, result.output


def test_create_manager_refuses_weak_password(app):
    result = app.test_cli_runner().invoke(args=["users", "create-manager", "boss@example.jp",
                                                "--password", "short"])
    assert result.exit_code != 0 and "Error" in result.output


def _counts(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (Organisation, User, HistoryEvent))


def test_demo_load_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load", "--password", "demo-password-1"])
    assert first.exit_code == 0 and "manager@demo.govtech.example" in first.output
    assert "demo-password-1" in first.output
    after_first = _counts(app)
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0 and _counts(app) == after_first


def test_demo_users_can_log_in_with_their_roles(app, client):
    app.test_cli_runner().invoke(args=["demo", "load", "--password", "demo-password-1"])
    for email in ("manager@demo.govtech.example", "saitama@demo.govtech.example",
                  "maastech@demo.govtech.example"):
        response = client.post("/login", data={"email": email, "password": "demo-password-1"})
        assert response.status_code == 302, email
        assert client.get("/home").status_code == 200
        client.post("/logout")
