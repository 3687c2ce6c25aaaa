"""Server-side sign-in sessions: the cookie carries a random token, this row decides.

A row is created at each sign-in and keeps only the SHA-256 of the token (a database reader
cannot sign in with what is stored). It ends (ended_at, end_reason) when its owner signs out or
ends it from /account/security, when the password is changed or reset, when the user is
disabled, or when it is found idle or too old; an ended row is never revived.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtech.models.base import Base, utcnow
from govtech.models.user import User


class SessionEnd:
    """Why a session ended (`user_session.end_reason`)."""

    LOGOUT = "logout"
    ENDED = "ended"  # by its owner, from the security page
    # bandit B105 below: reasons' names, not passwords
    PASSWORD_CHANGED = "password_changed"  # nosec B105
    PASSWORD_RESET = "password_reset"  # nosec B105
    DISABLED = "disabled"
    IDLE = "idle"
    EXPIRED = "expired"  # older than the absolute lifetime


class UserSession(Base):
    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    device: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(20))

    user: Mapped[User] = relationship()

    @property
    def is_ended(self) -> bool:
        return self.ended_at is not None

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id} ended={self.end_reason}>"
