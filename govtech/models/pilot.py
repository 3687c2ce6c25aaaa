"""Pilots (実証プロジェクト): one challenge and one startup on their way to adoption."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtech.models.base import Base, Timestamped, utcnow
from govtech.models.challenge import Challenge
from govtech.models.enums import PilotStage
from govtech.models.organisation import Organisation

FINAL_STAGES = frozenset({PilotStage.adopted, PilotStage.not_adopted, PilotStage.withdrawn})


class Pilot(Timestamped, Base):
    """`version` counts stage moves only: the service bumps it when the stage changes, and the
    mapper puts it in every UPDATE's WHERE clause (a concurrent move makes the commit fail), so
    editing the report or KPIs never makes someone's open move form stale."""

    __tablename__ = "pilot"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenge.id", ondelete="CASCADE"), index=True)
    startup_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    stage: Mapped[PilotStage] = mapped_column(
        Enum(PilotStage, native_enum=False, length=20), default=PilotStage.introduced, index=True)
    stage_entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    not_adopted_reason: Mapped[str | None] = mapped_column(String(20))  # labels.NOT_ADOPTED
    not_adopted_note: Mapped[str] = mapped_column(Text, default="")
    # The results report: required before the pair may leave `evaluation`.
    verified: Mapped[str] = mapped_column(Text, default="")
    learned: Mapped[str] = mapped_column(Text, default="")
    changed: Mapped[str] = mapped_column(Text, default="")
    adoption_decision: Mapped[str] = mapped_column(Text, default="")
    # Cost in yen (issue 17): the pilot itself, and a year of the adopted service.
    pilot_cost: Mapped[int | None] = mapped_column(BigInteger)
    annual_cost: Mapped[int | None] = mapped_column(BigInteger)
    # The catalogue's solution this pair proves (set at adoption).
    solution_id: Mapped[int | None] = mapped_column(
        ForeignKey("solution.id", ondelete="SET NULL"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    challenge: Mapped[Challenge] = relationship()
    startup: Mapped[Organisation] = relationship()
    kpis: Mapped[list[PilotKPI]] = relationship(
        back_populates="pilot", order_by="PilotKPI.id", cascade="all, delete-orphan")
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="pilot", order_by="Milestone.id", cascade="all, delete-orphan")

    # lists are read in this order and stop after their page (migration 0016)
    __table_args__ = (Index("ix_pilot_stage_entered_at", "stage_entered_at", "id"),)
    # The service sets the next version itself (on stage moves only); the mapper checks it.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def is_open(self) -> bool:
        return self.stage not in FINAL_STAGES

    @property
    def has_report(self) -> bool:
        return all((value or "").strip() for value in (self.verified, self.learned, self.changed))

    def __repr__(self) -> str:
        return f"<Pilot {self.id} challenge={self.challenge_id} startup={self.startup_id} " \
               f"{self.stage}>"


class PilotKPI(Base):
    __tablename__ = "pilot_kpi"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilot.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40), default="")
    baseline: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    actual: Mapped[float | None] = mapped_column(Float)

    pilot: Mapped[Pilot] = relationship(back_populates="kpis")


class Milestone(Base):
    __tablename__ = "milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilot.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date | None] = mapped_column(Date)
    is_done: Mapped[bool] = mapped_column(default=False)

    pilot: Mapped[Pilot] = relationship(back_populates="milestones")
