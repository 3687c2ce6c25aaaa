"""Re-authentication before a sensitive change (issue 10 item 2): the password change asks for
a two-step code when it is on; the e-mail address changes only through a link mailed to the new
address, which cannot be replayed, and a taken address answers the same."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pyotp
import pytest
from sqlalchemy import select

from govtech.extensions import db
from govtech.models import AuditEvent, OrgKind, User
from govtech.services import accounts, email_change, reauth, sessions, two_step
from govtech.services.errors import DomainError
from tests.clock import travel

GOOD = "a-sturdy-passphrase-42"
NEW_PASSWORD = "another-good-one-7"
T0 = datetime(2026, 12, 1, 9, 0, 10, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """Time travel for the two_step service."""
    return travel(monkeypatch, two_step, T0)


def _user(email: str = "dx@city.example.jp") -> User:
    user = accounts.signup(kind=OrgKind.municipality, org_name="テスト市", name="山田 花子",
                           email=email, password=GOOD, prefecture="11")
    accounts.confirm_email(accounts.make_token(user, "confirm"))
    return user


def _code(secret: str, now: datetime, steps: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(now) + steps)


def _events(name: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == name)))


def _token(outbox, to: str) -> str:
    mail = outbox.messages()[-1]
    assert mail["To"] == to
    found = re.search(r"https?://\S+/account/email\?token=(\S+)",
                      mail.get_body(("plain",)).get_content())
    assert found, "no confirmation link in the mail"
    return found.group(1)


# --- the password change ------------------------------------------------------------------

def test_password_change_asks_for_a_code_when_two_step_is_on(ctx, clock):
    user = _user()
    secret = two_step.enrol_for_setup(user)
    before = user.password_hash
    with pytest.raises(DomainError) as missing:
        reauth.change_password(user, GOOD, NEW_PASSWORD)
    assert missing.value.field == "code"
    with pytest.raises(DomainError) as wrong:
        reauth.change_password(user, GOOD, NEW_PASSWORD, _code(secret, clock.now, 5))
    assert wrong.value.field == "code"
    with pytest.raises(DomainError) as bad_password:
        reauth.change_password(user, "wrong-password-1", NEW_PASSWORD, _code(secret, clock.now))
    assert bad_password.value.field == "current_password"
    assert db.session.get(User, user.id).password_hash == before  # nothing changed
    reauth.change_password(user, GOOD, NEW_PASSWORD, _code(secret, clock.now))
    assert accounts.authenticate(user.email, NEW_PASSWORD) == user
    assert len(_events("password.changed")) == 1
    with pytest.raises(DomainError, match="すでに使用"):  # the same code, once more
        reauth.change_password(user, NEW_PASSWORD, "third-good-one-8", _code(secret, clock.now))


def test_password_change_without_two_step_needs_no_code(ctx):
    user = _user()
    reauth.change_password(user, GOOD, NEW_PASSWORD, "")
    assert accounts.authenticate(user.email, NEW_PASSWORD) == user


# --- the e-mail address ---------------------------------------------------------------------

def test_the_address_changes_only_through_the_link_to_the_new_address(ctx, outbox):
    user = _user()
    other_session = sessions.start(user)
    outbox.clear()
    assert email_change.request_change(user, " New@Town.Example.JP ", GOOD) == \
        "new@town.example.jp"
    token = _token(outbox, "new@town.example.jp")
    assert db.session.get(User, user.id).email == "dx@city.example.jp"  # not yet
    assert _events("email.changed") == []
    assert email_change.pending(user, token) == "new@town.example.jp"
    email_change.confirm_change(user, token)
    assert db.session.get(User, user.id).email == "new@town.example.jp"
    (event,) = _events("email.changed")
    assert (event.detail["old"], event.detail["new"]) == ("dx@city.example.jp",
                                                        "new@town.example.jp")
    assert event.detail["sessions_ended"] == 1
    assert sessions.resume(str(user.id), other_session).user is None
    notice = outbox.messages()[-1]
    assert notice["To"] == "dx@city.example.jp"
    assert "new@town.example.jp" in notice.get_body(("plain",)).get_content()
    assert accounts.authenticate("new@town.example.jp", GOOD) == user
    with pytest.raises(DomainError, match="すでに使用"):  # replayed
        email_change.confirm_change(user, token)
    assert len(_events("email.changed")) == 1


def test_a_taken_address_answers_the_same_and_tells_its_owner(ctx, outbox):
    user = _user()
    owner = _user("taken@town.example.jp")
    outbox.clear()
    assert email_change.request_change(user, "TAKEN@town.example.jp", GOOD) == \
        "taken@town.example.jp"
    (mail,) = outbox.messages()
    assert mail["To"] == owner.email
    body = mail.get_body(("plain",)).get_content()
    assert "/account/email" not in body and "/password/forgot" in body
    assert db.session.get(User, user.id).email == "dx@city.example.jp"


def test_refusals_change_nothing(ctx, clock, outbox):
    user = _user()
    outbox.clear()
    with pytest.raises(DomainError) as wrong:
        email_change.request_change(user, "new@town.example.jp", "wrong-password-1")
    assert wrong.value.field == "password"
    with pytest.raises(DomainError) as same:
        email_change.request_change(user, "DX@city.example.jp", GOOD)
    assert same.value.field == "email"
    secret = two_step.enrol_for_setup(user)
    with pytest.raises(DomainError) as no_code:
        email_change.request_change(user, "new@town.example.jp", GOOD)
    assert no_code.value.field == "code"
    assert outbox.messages() == []
    email_change.request_change(user, "new@town.example.jp", GOOD, _code(secret, clock.now))
    assert outbox.messages()[-1]["To"] == "new@town.example.jp"


def test_expired_forged_and_foreign_links_are_refused(ctx, app, outbox, monkeypatch):
    user = _user()
    stranger = _user("stranger@town.example.jp")
    email_change.request_change(user, "new@town.example.jp", GOOD)
    token = _token(outbox, "new@town.example.jp")
    with pytest.raises(DomainError, match="無効"):
        email_change.pending(user, token[:-2] + "xx")
    with pytest.raises(DomainError):
        email_change.confirm_change(stranger, token)
    monkeypatch.setitem(app.config, "EMAIL_CHANGE_TOKEN_MAX_AGE", -1)
    with pytest.raises(DomainError, match="有効期限"):
        email_change.confirm_change(user, token)
    assert db.session.get(User, user.id).email == "dx@city.example.jp"


def test_a_password_change_after_the_request_voids_the_link(ctx, outbox):
    user = _user()
    email_change.request_change(user, "new@town.example.jp", GOOD)
    token = _token(outbox, "new@town.example.jp")
    accounts.change_password(user, GOOD, NEW_PASSWORD)
    with pytest.raises(DomainError, match="すでに使用"):
        email_change.confirm_change(user, token)


def test_an_address_taken_after_the_link_was_sent_is_refused(ctx, outbox):
    user = _user()
    email_change.request_change(user, "new@town.example.jp", GOOD)
    token = _token(outbox, "new@town.example.jp")
    _user("new@town.example.jp")
    with pytest.raises(DomainError):
        email_change.confirm_change(user, token)
    assert db.session.get(User, user.id).email == "dx@city.example.jp"


def test_two_confirmations_of_one_address_at_once_refuse_the_second(ctx, outbox, monkeypatch):
    """When the check before the change cannot see the other (a race), the database's unique
    address refuses it with the same message, not a 500."""
    user = _user()
    email_change.request_change(user, "new@town.example.jp", GOOD)
    token = _token(outbox, "new@town.example.jp")
    _user("new@town.example.jp")
    monkeypatch.setattr(accounts, "find_user", lambda _email: None)  # the race's blind spot
    with pytest.raises(DomainError, match="別のアカウント"):
        email_change.confirm_change(user, token)
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "dx@city.example.jp"
