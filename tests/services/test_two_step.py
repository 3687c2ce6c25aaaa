"""Two-step sign-in (issue 10, item 1): codes computed here from the enrolled secret, a ±1 step
window, no code twice, single-use hashed recovery codes, re-authentication, the audit log."""
from __future__ import annotations

from datetime import UTC, datetime

import pyotp
import pytest
from sqlalchemy import func, select

from govtech.extensions import db
from govtech.models import AuditEvent, OrgKind, OrgState, RecoveryCode, TwoStep, User
from govtech.services import accounts, organisations, two_step
from govtech.services.errors import DomainError, PermissionDenied
from tests.clock import travel

GOOD = "a-sturdy-passphrase-42"
T0 = datetime(2026, 12, 1, 9, 0, 10, tzinfo=UTC)  # 10 s into a 30-second step


@pytest.fixture
def clock(monkeypatch):
    """Time travel for the two_step service."""
    return travel(monkeypatch, two_step, T0)


def _code(secret: str, now: datetime, steps: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(now) + steps)


def _events(name: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == name)))


def _member(email: str = "dx@city.example.jp") -> User:
    user = accounts.signup(kind=OrgKind.municipality, org_name="テスト市", name="山田 花子",
                           email=email, password=GOOD, prefecture="11")
    if hasattr(accounts, "confirm_email") and hasattr(accounts, "make_token"):
        accounts.confirm_email(accounts.make_token(user, "confirm"))
    organisations.set_state(_manager(f"approver.{email}"), user.organisation,
                            OrgState.approved)
    return user


def _manager(email: str = "office@example.jp") -> User:
    user = accounts.create_manager(email, "事務局", GOOD)
    db.session.commit()
    return user


def test_enrolment_shows_a_server_drawn_qr_code_and_turns_on_with_a_first_code(ctx, clock):
    user = _member()
    shown = two_step.begin(user)
    assert shown.svg.startswith("<svg") and "http" not in shown.svg.replace(
        "http://www.w3.org/2000/svg", "")  # drawn here: no outside request
    assert shown.uri.startswith("otpauth://totp/") and shown.secret in shown.uri
    assert not two_step.is_enabled(user)
    codes = two_step.confirm(user, shown.secret, _code(shown.secret, clock.now))
    assert two_step.is_enabled(user)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = list(db.session.scalars(select(RecoveryCode.code_hash)))
    assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are kept
    assert all(code.replace("-", "") not in hashed for code in codes for hashed in stored)
    assert [e.detail.get("sessions_ended") for e in _events("totp.enabled")] == [0]


def test_a_stale_enrolment_form_is_refused_and_changes_nothing(ctx, clock):
    user = _member()
    first = two_step.begin(user)
    second = two_step.begin(user)  # started again in another tab
    assert first.secret != second.secret
    with pytest.raises(two_step.StaleEnrolment) as refused:
        two_step.confirm(user, first.secret, _code(first.secret, clock.now))
    assert refused.value.status == 409
    assert not two_step.is_enabled(user) and _events("totp.enabled") == []
    assert two_step.enrolment(user).secret == second.secret


@pytest.mark.parametrize("steps,accepted", [(-2, False), (-1, True), (0, True), (1, True),
                                            (2, False)])
def test_codes_are_accepted_one_step_either_side_of_now_only(ctx, clock, steps, accepted):
    user = _member()
    secret = two_step.enrol_for_setup(user)
    code = _code(secret, clock.now, steps)
    if accepted:
        assert two_step.sign_in_code(user, code).kind == "code"
    else:
        with pytest.raises(two_step.CodeRefused):
            two_step.sign_in_code(user, code)


def test_a_code_cannot_be_used_twice_nor_an_earlier_one_after_it(ctx, clock):
    user = _member()
    secret = two_step.enrol_for_setup(user)
    two_step.sign_in_code(user, _code(secret, clock.now))
    with pytest.raises(two_step.CodeRefused) as reused:
        two_step.sign_in_code(user, _code(secret, clock.now))
    assert reused.value.reason == "code_reused"
    with pytest.raises(two_step.CodeRefused):
        two_step.sign_in_code(user, _code(secret, clock.now, -1))  # older than the last one
    clock.advance(seconds=30)
    assert two_step.sign_in_code(user, _code(secret, clock.now)).kind == "code"
    failed = _events("login.failed")
    assert [(e.actor_id, e.detail["reason"]) for e in failed] == [
        (user.id, "code_reused"), (user.id, "code_reused")]


def test_wrong_and_expired_codes_are_refused_and_recorded(ctx, clock):
    user = _member()
    secret = two_step.enrol_for_setup(user)
    expired = _code(secret, clock.now)
    clock.advance(minutes=2)
    for code in (expired, "000000" if _code(secret, clock.now) != "000000" else "111111", "abc"):
        with pytest.raises(two_step.CodeRefused) as refused:
            two_step.sign_in_code(user, code)
        assert refused.value.status == 401 and refused.value.message
    assert len(_events("login.failed")) == 3
    assert db.session.get(TwoStep, user.id).last_step is None  # nothing accepted


def test_a_recovery_code_works_once_and_says_how_many_are_left(ctx, clock, outbox):
    user = _member()
    shown = two_step.begin(user)
    codes = two_step.confirm(user, shown.secret, _code(shown.secret, clock.now))
    outbox.clear()
    accepted = two_step.sign_in_code(user, codes[3].upper().replace("-", " "))
    assert (accepted.kind, accepted.remaining) == ("recovery_code", 9)
    with pytest.raises(two_step.CodeRefused):
        two_step.sign_in_code(user, codes[3])
    (used,) = _events("totp.recovery_code_used")
    assert used.actor_id == user.id and used.detail["remaining"] == 9
    (mail,) = outbox.messages()
    assert mail["To"] == user.email and "9" in outbox.last_body()


def test_turning_off_and_new_codes_need_the_password_and_a_current_code(ctx, clock, outbox):
    user = _member()
    secret = two_step.enrol_for_setup(user)
    with pytest.raises(DomainError) as wrong_password:
        two_step.regenerate(user, "not-the-password", _code(secret, clock.now))
    assert wrong_password.value.field == "password"
    with pytest.raises(two_step.CodeRefused):
        two_step.regenerate(user, GOOD, "123")
    clock.advance(seconds=30)
    codes = two_step.regenerate(user, GOOD, _code(secret, clock.now))
    assert len(codes) == 10
    with pytest.raises(two_step.CodeRefused):  # the same code again
        two_step.disable(user, GOOD, _code(secret, clock.now))
    assert two_step.is_enabled(user)
    clock.advance(seconds=30)
    outbox.clear()
    two_step.disable(user, GOOD, _code(secret, clock.now))
    assert not two_step.is_enabled(user)
    assert db.session.scalar(select(func.count(RecoveryCode.id))) == 0
    assert [len(_events(name)) for name in ("totp.enabled", "totp.codes_regenerated",
                                            "totp.disabled")] == [1, 1, 1]
    assert len(outbox.messages()) == 1


def test_mail_is_in_the_users_language(ctx, clock, outbox):
    user = _member()
    accounts.set_locale(user, "en")
    outbox.clear()
    shown = two_step.begin(user)
    two_step.confirm(user, shown.secret, _code(shown.secret, clock.now))
    (mail,) = outbox.messages()
    assert mail["Subject"] == "Two-step sign-in was turned on"
    assert "Two-step sign-in was turned on" in outbox.last_body()


def test_managers_and_members_of_an_organisation_that_asks_must_enrol(ctx, clock):
    manager = _manager()
    member = _member()
    assert two_step.must_enrol(manager) and not two_step.must_enrol(member)
    outsider = _member("other@city.example.jp")  # another organisation's administrator
    with pytest.raises(PermissionDenied):
        two_step.set_required(outsider, member.organisation, True)
    two_step.set_required(manager, member.organisation, True)
    assert two_step.must_enrol(member)
    two_step.enrol_for_setup(member)
    assert not two_step.must_enrol(member)
    two_step.set_required(manager, member.organisation, True)  # no change, no event
    (event,) = _events("organisation.two_step")
    assert (event.organisation_id, event.detail["required"]) == (member.organisation_id, True)


def test_turning_it_on_ends_every_other_session(ctx, clock):
    from govtech.models import UserSession
    from govtech.services import sessions

    user = _member()
    keep = sessions.start(user)
    sessions.start(user)
    sessions.start(user)
    shown = two_step.begin(user)
    two_step.confirm(user, shown.secret, _code(shown.secret, clock.now), keep_token=keep)
    live = db.session.scalars(select(UserSession).where(UserSession.ended_at.is_(None))).all()
    assert len(live) == 1
    ended = db.session.scalars(select(UserSession.end_reason)
                               .where(UserSession.ended_at.is_not(None))).all()
    assert ended == [two_step.SESSIONS_ENDED] * 2
