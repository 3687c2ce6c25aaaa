"""Organisations: the municipalities and startups taking part in the programme."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import JSON, Enum, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtech.models.base import Base, Timestamped
from govtech.models.enums import OrgKind, OrgState

if TYPE_CHECKING:
    from govtech.models.capability import Capability
    from govtech.models.user import User


class Organisation(Timestamped, Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrgKind] = mapped_column(Enum(OrgKind, native_enum=False, length=20), index=True)
    name: Mapped[str] = mapped_column(String(200))
    state: Mapped[OrgState] = mapped_column(
        Enum(OrgState, native_enum=False, length=20), default=OrgState.pending, index=True
    )
    description: Mapped[str] = mapped_column(Text, default="")
    # Municipality fields
    prefecture: Mapped[str | None] = mapped_column(String(2))  # JIS X 0401 code "01".."47"
    lg_code: Mapped[str | None] = mapped_column(String(6), unique=True)
    population: Mapped[int | None] = mapped_column(Integer)
    # Startup fields
    website: Mapped[str | None] = mapped_column(String(300))
    founded_year: Mapped[int | None] = mapped_column(Integer)
    employees: Mapped[int | None] = mapped_column(Integer)
    head_office_prefecture: Mapped[str | None] = mapped_column(String(2))
    regions_served: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Every member must use two-step sign-in (set by a manager: govtech.services.two_step)
    requires_two_step: Mapped[bool] = mapped_column(default=False, server_default=false())
    version: Mapped[int] = mapped_column(Integer, default=1)

    users: Mapped[list[User]] = relationship(back_populates="organisation")
    capabilities: Mapped[list[Capability]] = relationship(
        back_populates="organisation", order_by="Capability.id", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_approved(self) -> bool:
        return self.state == OrgState.approved

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.kind} {self.name!r} {self.state}>"
