"""The unit of work: one commit, one rollback, side effects only after the commit."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from govtech.extensions import db
from govtech.models import Challenge, User
from govtech.services import challenges, transaction
from govtech.services.errors import ConcurrentChange, DomainError
from tests import factories


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def test_a_refusal_rolls_back_everything_the_unit_wrote(app, ctx):
    @transaction.unit_of_work()
    def half_done() -> None:
        db.session.add(User(email="half@example.jp", name="x", role="manager",
                            password_hash="x"))
        db.session.flush()
        raise DomainError("refused")

    with pytest.raises(DomainError):
        half_done()
    assert _user("half@example.jp") is None


def test_nested_units_commit_once_with_the_outer_one(app, ctx):
    commits = []

    @transaction.unit_of_work()
    def inner() -> None:
        db.session.add(User(email="inner@example.jp", name="x", role="manager",
                            password_hash="x"))

    @transaction.unit_of_work()
    def outer() -> None:
        inner()
        transaction.after_commit(lambda: commits.append(_user("inner@example.jp")))
        assert commits == []  # not yet: the outer unit has not committed
        raise DomainError("the outer call refuses")

    with pytest.raises(DomainError):
        outer()
    assert _user("inner@example.jp") is None and commits == []


def test_after_commit_runs_once_stored_and_on_rollback_undoes(app, ctx):
    seen, undone = [], []

    @transaction.unit_of_work()
    def works() -> None:
        db.session.add(User(email="ok@example.jp", name="x", role="manager", password_hash="x"))
        transaction.after_commit(lambda: seen.append("mail"))
        transaction.on_rollback(lambda: undone.append("file"))

    @transaction.unit_of_work()
    def fails() -> None:
        transaction.after_commit(lambda: seen.append("never"))
        transaction.on_rollback(lambda: undone.append("file"))
        raise DomainError("no")

    works()
    with pytest.raises(DomainError):
        fails()
    assert seen == ["mail"] and undone == ["file"]


def test_a_failing_side_effect_does_not_undo_the_change(app, ctx):
    @transaction.unit_of_work()
    def works() -> None:
        db.session.add(User(email="kept@example.jp", name="x", role="manager",
                            password_hash="x"))
        transaction.after_commit(lambda: 1 / 0)

    works()
    assert _user("kept@example.jp") is not None


def test_a_stale_version_is_refused_before_and_at_the_commit(app, ctx):
    """check_version compares the version seen; the mapper's version column catches the rest."""
    town = factories.user(app, "municipality")
    challenge = db.session.get(Challenge, factories.challenge(app, town))
    actor = db.session.get(User, town.id)
    with pytest.raises(ConcurrentChange):
        challenges.update(actor, challenge, expected_version=challenge.version - 1, title="古い")
    with db.engine.begin() as other:  # someone else saves between our read and our write
        other.execute(Challenge.__table__.update().where(Challenge.id == challenge.id)
                      .values(version=challenge.version + 1))
    with pytest.raises(ConcurrentChange):
        challenges.update(actor, challenge, expected_version=challenge.version, title="新しい")
    db.session.expire_all()
    assert db.session.get(Challenge, challenge.id).title != "新しい"
