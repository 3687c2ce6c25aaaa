"""Command-line tasks: creating managers and loading the demo programme."""
from sqlalchemy import func, select

from govtech.extensions import db
from govtech.models import HistoryEvent, Organisation, User


def test_create_manager_with_password_option(app):
    result = app.test_cli_runner().invoke(args=["users", "create-manager", "boss@example.jp",
                                                "--password", "kasumi-gate-ledger-41"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        role = db.session.scalar(select(User.role).where(User.email == "boss@example.jp"))
    assert role == "manager"


def test_create_manager_prompts_for_password(app):
    result = app.test_cli_runner().invoke(args=["users", "create-manager", "boss@example.jp"],
                                          input="kasumi-gate-ledger-41\nkasumi-gate-ledger-41\n")
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
        if "/login/code" in response.headers["Location"]:  # the manager: two-step sign-in
            code = app.test_cli_runner().invoke(args=["users", "totp-code", email]).output
            assert client.post("/login/code", data={"code": code.strip()}).status_code == 302
        assert client.get("/home").status_code == 200
        client.post("/logout")


def test_demo_has_joint_marketing_in_three_states(app, client):
    """One published public case study (shown to the public), one in review, one planned."""
    from govtech.models import MarketingActivity

    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "load", "--password", "demo-password-1"])
    runner.invoke(args=["demo", "load"])
    with app.app_context():
        states = sorted(db.session.scalars(select(MarketingActivity.state)))
        in_review = db.session.scalar(select(MarketingActivity).filter_by(state="in_review"))
        assert in_review.approval_count == 1
    assert states == ["in_review", "planned", "published"]
    assert "由利本荘市の導入事例" in client.get("/cases/").get_data(as_text=True)


def test_each_demo_organisation_has_an_administrator(app):
    """The demo user of each organisation can manage its members, as a first member can."""
    from sqlalchemy import select

    from govtech.extensions import db
    from govtech.models import User

    assert app.test_cli_runner().invoke(args=["demo", "load", "--password",
                                              "demo-pass-2026-x"]).exit_code == 0
    with app.app_context():
        members = db.session.scalars(select(User).where(User.organisation_id.is_not(None))).all()
        assert members and all(user.is_org_admin for user in members)
