"""People who log in. Managers belong to no organisation."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import DateTime, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtech.models.base import Base, Timestamped
from govtech.models.enums import OrgState, Role
from govtech.models.organisation import Organisation


class User(UserMixin, Timestamped, Base):
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    locale: Mapped[str | None] = mapped_column(String(5))
    is_invited: Mapped[bool] = mapped_column(default=False)  # set a password via the e-mailed link
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # issue 10 (members, sign-up confirmation): an organisation's administrator invites and
    # disables its members; a disabled user cannot sign in; a sign-up's first user confirms
    # the e-mail address before logging in (and before the managers hear of the organisation)
    is_org_admin: Mapped[bool] = mapped_column(default=False)
    is_disabled: Mapped[bool] = mapped_column(default=False)
    awaiting_confirmation: Mapped[bool] = mapped_column(default=False)

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")

    @property
    def is_manager(self) -> bool:
        return self.role == Role.manager

    @property
    def is_approved(self) -> bool:
        """Managers always are; everyone else through their organisation."""
        return self.is_manager or (
            self.organisation is not None and self.organisation.state == OrgState.approved
        )

    @property
    def is_suspended(self) -> bool:
        return self.organisation is not None and self.organisation.state == OrgState.suspended

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"
