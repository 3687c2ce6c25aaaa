"""Password strength (issue 10 item 6) and the growing login delay (item 4)."""
from __future__ import annotations

import pytest
from flask_babel import force_locale

from govtech.services import accounts, login_guard, passwords
from tests.factories import PASSWORD


@pytest.mark.parametrize("password", [PASSWORD, "a-sturdy-passphrase-42",
                                      "kawagoe-lantern-route-58"])
def test_strong_passwords_pass(ctx, password):
    assert passwords.problem(password, "dx@city.example.jp", "山田 花子", "テスト市") is None


@pytest.mark.parametrize("password", ["short", "password1234", "1234567890123",
                                      "aaaaaaaaaaaa", "qwertyuiop12", "abcdefghijkl"])
def test_weak_passwords_get_a_reason(ctx, password):
    assert passwords.problem(password) is not None


@pytest.mark.parametrize("password,personal", [
    ("yamada-hanako-88", ("dx@city.example.jp", "Yamada Hanako", "")),
    ("kikaku-dx-office-2", ("kikaku@town.example.jp", "", "")),
    ("minamisoma-smart-77", ("", "", "Minamisoma City")),
])
def test_a_password_built_from_ones_own_words_is_refused(ctx, password, personal):
    with force_locale("en"):
        assert "e-mail address, name or organisation" in passwords.problem(password, *personal)


def test_zxcvbn_warnings_become_our_own_messages(ctx, monkeypatch):
    """A warning in the table is ours (translated); one that is not gets the general message,
    never zxcvbn's English."""
    with force_locale("en"):
        assert "very common" in passwords.problem("password1234")
    monkeypatch.setattr(passwords, "zxcvbn", lambda password, user_inputs: {
        "score": 1, "sequence": [], "feedback": {"warning": "Some new English warning.",
                                                 "suggestions": ["Do something."]}})
    with force_locale("en"):
        said = passwords.problem("whatever-it-is-1")
    assert "Some new English" not in said and "too easy to guess" in said


def test_create_manager_and_change_password_check_strength(ctx):
    with pytest.raises(accounts.DomainError):
        accounts.create_manager("office@example.jp", "Office", "password1234")
    manager = accounts.create_manager("office@example.jp", "Office", PASSWORD)
    with pytest.raises(accounts.DomainError) as refused:
        accounts.change_password(manager, PASSWORD, "office-office-office-1")
    assert refused.value.field == "password"


def test_the_delay_doubles_up_to_its_cap(ctx, app, monkeypatch):
    for name, value in (("LOGIN_DELAY_AFTER", 3), ("LOGIN_DELAY_SECONDS", 30),
                        ("LOGIN_DELAY_MAX_SECONDS", 900)):
        monkeypatch.setitem(app.config, name, value)
    assert [login_guard.wait_after(n) for n in (1, 2, 3, 4, 5, 8, 30)] == [
        0, 0, 30, 60, 120, 900, 900]


def test_an_account_under_attack_waits_and_its_owner_is_told(ctx, app, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_DELAY_AFTER", 2)
    owner = accounts.create_manager("office@example.jp", "Office", PASSWORD)
    outbox.clear()
    for _ in range(2):
        with pytest.raises(accounts.LoginRefused):
            accounts.authenticate(owner.email, "wrong-guess-000")
    assert login_guard.waiting(owner.email) > 0
    assert outbox.messages()[-1]["To"] == owner.email  # told once, when the delay starts
    with pytest.raises(accounts.LoginDelayed):  # even the right password waits
        accounts.authenticate(owner.email, PASSWORD)
    login_guard.succeeded(owner.email)  # the wait is over (storage expiry, here by hand)
    assert accounts.authenticate(owner.email, PASSWORD) == owner
    assert len(outbox.messages()) == 1


def test_an_unknown_address_slows_down_the_same(ctx, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_DELAY_AFTER", 2)
    for _ in range(2):
        with pytest.raises(accounts.LoginRefused):
            accounts.authenticate("nobody@example.jp", "wrong-guess-000")
    with pytest.raises(accounts.LoginDelayed):
        accounts.authenticate("nobody@example.jp", "wrong-guess-000")
