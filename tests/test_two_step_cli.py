"""The command line and two-step sign-in: a new manager is told it is required; the demo's
manager is enrolled; `flask users totp-code` helps a demo and is refused in production."""
from __future__ import annotations

import re

import pyotp

from govtech.services import two_step


def test_create_manager_says_two_step_sign_in_will_be_set_up_at_first_login(app, client):
    result = app.test_cli_runner().invoke(args=["users", "create-manager", "office@example.jp",
                                                "--password", "a-sturdy-passphrase-42"])
    assert result.exit_code == 0 and "Two-step sign-in is required" in result.output
    response = client.post("/login", data={"email": "office@example.jp",
                                           "password": "a-sturdy-passphrase-42"})
    assert response.status_code == 302
    assert client.get("/home").headers["Location"].endswith("/account/two-step")


def test_demo_load_enrols_the_manager_and_prints_how_to_get_a_code(app):
    runner = app.test_cli_runner()
    report = runner.invoke(args=["demo", "load", "--password", "demo-password-1"]).output
    secret = re.search(r"Its secret: ([A-Z2-7]+)", report).group(1)
    assert "flask users totp-code manager@demo.govtech.example" in report
    assert f"pyotp.TOTP('{secret}').now()" in report
    code = runner.invoke(args=["users", "totp-code", "manager@demo.govtech.example"])
    assert code.exit_code == 0
    totp = pyotp.TOTP(secret)
    with app.app_context():
        now = totp.timecode(two_step.clock())
    assert code.output.strip() in {totp.generate_otp(now + step) for step in (-1, 0, 1)}


def test_totp_code_is_refused_in_production_and_for_accounts_without_it(app, monkeypatch):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "load", "--password", "demo-password-1"])
    refused = runner.invoke(args=["users", "totp-code", "saitama@demo.govtech.example"])
    assert refused.exit_code != 0 and "有効になっていません" in refused.output
    monkeypatch.setitem(app.config, "CONFIG_NAME", "production")
    refused = runner.invoke(args=["users", "totp-code", "manager@demo.govtech.example"])
    assert refused.exit_code != 0 and "production" in refused.output
