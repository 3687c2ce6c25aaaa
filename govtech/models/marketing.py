"""Joint marketing (共同マーケティング): a pilot's press releases, case studies, events and more."""
from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtech.models.base import Base, Timestamped
from govtech.models.enums import MarketingKind, MarketingState
from govtech.models.pilot import Pilot, PilotKPI
from govtech.models.user import User

FINAL_MARKETING_STATES = frozenset({MarketingState.published, MarketingState.cancelled})
# The three sides whose approval an activity needs before it may be published.
APPROVAL_SIDES = ("municipality", "startup", "manager")
KPI_FIGURES = ("baseline", "target", "actual")


def _figure(value: float | None) -> float | None:
    """A number as a snapshot keeps it: an inf or nan stored long ago counts as not measured."""
    return float(value) if value is not None and math.isfinite(value) else None


def kpi_figures(kpis: Sequence[PilotKPI]) -> list[dict]:
    """The figures of a pilot's KPIs as a case study publishes them (plain, JSON-ready)."""
    return [{"name": k.name, "unit": k.unit or "", **{key: _figure(getattr(k, key))
                                                       for key in KPI_FIGURES}} for k in kpis]


class MarketingActivity(Timestamped, Base):
    """One piece of joint marketing. Each side's approval is kept apart (who and when), so the
    page can say who still has to approve; `version` guards every write (mapper version)."""

    __tablename__ = "marketing_activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilot.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MarketingKind] = mapped_column(Enum(MarketingKind, native_enum=False, length=20))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised on render
    planned_date: Mapped[date | None] = mapped_column(Date, index=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    is_public: Mapped[bool] = mapped_column(default=False)
    state: Mapped[MarketingState] = mapped_column(
        Enum(MarketingState, native_enum=False, length=20), default=MarketingState.planned,
        index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    municipality_approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    municipality_approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    startup_approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    startup_approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    manager_approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    manager_approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The pilot's KPIs as the three sides approved them (name, unit, baseline, target, actual),
    # taken when the last approval lands; the public case study shows only these figures.
    kpi_snapshot: Mapped[list[dict] | None] = mapped_column(JSON)
    kpi_snapshot_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    pilot: Mapped[Pilot] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    municipality_approved_by: Mapped[User | None] = relationship(
        foreign_keys=[municipality_approved_by_id])
    startup_approved_by: Mapped[User | None] = relationship(foreign_keys=[startup_approved_by_id])
    manager_approved_by: Mapped[User | None] = relationship(foreign_keys=[manager_approved_by_id])

    # lists are read in this order and stop after their page (migration 0016)
    __table_args__ = (Index("ix_marketing_activity_updated_at", "updated_at", "id"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.state not in FINAL_MARKETING_STATES

    @property
    def publishes_figures(self) -> bool:
        """Case studies publish the pilot's KPIs, as the three sides approved them."""
        return self.kind == MarketingKind.case_study

    @property
    def figures_in_review(self) -> bool:
        """A published case study whose new figures wait for the three approvals (the public
        page keeps the approved snapshot meanwhile)."""
        return self.state == MarketingState.published and self.approval_count < len(
            APPROVAL_SIDES)

    @property
    def collecting_approvals(self) -> bool:
        """In review, or published with new figures waiting for approval."""
        return self.state == MarketingState.in_review or self.figures_in_review

    @property
    def figures_changed(self) -> bool:
        """An approved or published case study whose pilot's KPIs are no longer the approved
        snapshot: a new approval is needed before the new figures may be published."""
        return (self.publishes_figures and not self.figures_in_review
                and self.state in (MarketingState.approved, MarketingState.published)
                and (self.kpi_snapshot or []) != kpi_figures(self.pilot.kpis))

    def clear_approvals(self) -> None:
        for side in APPROVAL_SIDES:
            setattr(self, f"{side}_approved_by", None)
            setattr(self, f"{side}_approved_at", None)

    def approval(self, side: str) -> tuple[User | None, datetime | None]:
        """Who approved for `side` and when (None, None while it has not)."""
        return getattr(self, f"{side}_approved_by"), getattr(self, f"{side}_approved_at")

    def has_approval(self, side: str) -> bool:
        return getattr(self, f"{side}_approved_at") is not None

    @property
    def approval_count(self) -> int:
        return sum(self.has_approval(side) for side in APPROVAL_SIDES)

    def __repr__(self) -> str:
        return f"<MarketingActivity {self.id} pilot={self.pilot_id} {self.kind} {self.state}>"
