"""Two-step sign-in (TOTP): one secret per user, and their single-use recovery codes.

A `TwoStep` row with `enabled_at` NULL is an enrolment under way (its secret shown once as a QR
code and in text, not yet confirmed by a first code); it becomes active when a code made from
the secret is accepted. `last_step` is the 30-second time step of the last accepted code: a code
of that step or an earlier one is refused, so a code cannot be used twice.

Recovery codes keep only a salted hash (werkzeug's scrypt); `used_at` marks the one use.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtech.models.base import Base, utcnow
from govtech.models.user import User


class TwoStep(Base):
    __tablename__ = "two_step"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))  # base32, as authenticator apps take it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_step: Mapped[int | None] = mapped_column(BigInteger)

    user: Mapped[User] = relationship()

    @property
    def is_enabled(self) -> bool:
        return self.enabled_at is not None

    def __repr__(self) -> str:
        return f"<TwoStep user={self.user_id} enabled={self.is_enabled}>"


class RecoveryCode(Base):
    __tablename__ = "two_step_recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.id} user={self.user_id} used={self.used_at is not None}>"
