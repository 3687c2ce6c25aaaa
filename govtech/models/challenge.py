"""Challenges (課題): what a municipality wants solved."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtech.models.base import Base, Timestamped
from govtech.models.enums import ChallengeState, ProcurementRoute
from govtech.models.organisation import Organisation


class Challenge(Timestamped, Base):
    __tablename__ = "challenge"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised on render
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)  # keys of CATEGORIES
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    desired_outcome: Mapped[str] = mapped_column(Text, default="")
    budget_min: Mapped[int | None] = mapped_column(Integer)  # in units of 10,000 yen (万円)
    budget_max: Mapped[int | None] = mapped_column(Integer)
    pilot_start: Mapped[date | None] = mapped_column(Date)
    pilot_end: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date, index=True)
    state: Mapped[ChallengeState] = mapped_column(
        Enum(ChallengeState, native_enum=False, length=20), default=ChallengeState.draft,
        index=True)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The commitment made at posting (issue 17): who owns the budget, how the town means to buy
    # what works, what counts as success (the KPIs the pilot will measure) and when it is funded.
    budget_owner: Mapped[str] = mapped_column(String(200), default="", server_default="")
    procurement_route: Mapped[ProcurementRoute] = mapped_column(
        Enum(ProcurementRoute, native_enum=False, length=20), default=ProcurementRoute.undecided,
        server_default=ProcurementRoute.undecided.value)
    success_criteria: Mapped[str] = mapped_column(Text, default="", server_default="")
    success_kpis: Mapped[list[str]] = mapped_column(  # the names of the KPIs
        JSON, default=list, server_default="[]")
    adoption_fiscal_year: Mapped[int | None] = mapped_column(Integer)  # 年度, e.g. 2027
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation: Mapped[Organisation] = relationship()

    # lists are read in this order and stop after their page (migration 0016)
    __table_args__ = (Index("ix_challenge_opened_at", "opened_at", "id"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def has_commitment(self) -> bool:
        """The commitment is complete: budget owner, a decided route, criteria and a year."""
        return bool(self.budget_owner.strip() and self.success_criteria.strip()
                    and self.procurement_route != ProcurementRoute.undecided
                    and self.adoption_fiscal_year)

    def __repr__(self) -> str:
        return f"<Challenge {self.id} {self.title!r} {self.state}>"
