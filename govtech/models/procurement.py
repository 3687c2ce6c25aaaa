"""The road from pilot to purchase (issue 17): a town's budget calendar and contract limits,
the records each stage needs (checklist entries), 第4号 certifications, a startup's procurement
readiness, and the catalogue of adopted solutions with the adopting towns' ratings.

The commitment made at posting (budget owner, intended route, success criteria, fiscal year)
lives on the challenge itself; pilot cost on the pilot.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from govtech.models.base import Base, Timestamped, utcnow
from govtech.models.enums import CertificationState, ChecklistMark, ProcurementRoute, RatingOccasion
from govtech.models.organisation import Organisation
from govtech.models.pilot import Pilot


class BudgetCalendar(Timestamped, Base):
    """A municipality's yearly budget cycle and its own 少額随意契約 limits. Without a row the
    defaults apply (services.budget_calendar); a row is written when the town edits them."""

    __tablename__ = "budget_calendar"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    # The annual budget request deadline (予算要求締切), as month and day.
    request_month: Mapped[int] = mapped_column(Integer, default=10)
    request_day: Mapped[int] = mapped_column(Integer, default=31)
    # The council session that passes the budget (当初予算の議会), first and last day.
    council_start_month: Mapped[int] = mapped_column(Integer, default=2)
    council_start_day: Mapped[int] = mapped_column(Integer, default=20)
    council_end_month: Mapped[int] = mapped_column(Integer, default=3)
    council_end_day: Mapped[int] = mapped_column(Integer, default=20)
    # Other regular sessions (定例会), as months 1..12.
    other_sessions: Mapped[list[int]] = mapped_column(JSON, default=list)
    # 少額随意契約 ceilings in yen, by the categories of 地方自治法施行令 別表第五.
    limits: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    # The town certifies new-business-field products (第167条の2第1項第4号).
    certifies_new_business: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation: Mapped[Organisation] = relationship()

    __mapper_args__ = {"version_id_col": version}


class ChecklistEntry(Base):
    """A record a pair keeps to move on from a stage (meeting notes, agreement, pilot plan,
    budget request, contract, ...), or the waiver of one; `key` is one of the item keys
    services.pipeline_status defines."""

    __tablename__ = "checklist_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilot.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    mark: Mapped[ChecklistMark | None] = mapped_column(
        Enum(ChecklistMark, native_enum=False, length=20))
    body: Mapped[str] = mapped_column(Text, default="")  # the record itself (notes, summary)
    recorded_on: Mapped[date | None] = mapped_column(Date)  # e.g. the agreement's date
    amount: Mapped[int | None] = mapped_column(BigInteger)  # yen: budget requested, contract value
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was waived
    due_on: Mapped[date | None] = mapped_column(Date)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    # Pilot.checklist_entries: loaded with every pilot (one IN query per batch), so the
    # checklist and next step of a list of pairs cost no query each (services.checklist).
    pilot: Mapped[Pilot] = relationship(backref=backref(
        "checklist_entries", lazy="selectin", passive_deletes=True))

    __table_args__ = (UniqueConstraint("pilot_id", "key"),)


class Solution(Timestamped, Base):
    """An adopted solution in the catalogue: what one startup sells, proven by the pilots that
    name it (Pilot.solution_id). Listed publicly once one of its pilots is adopted."""

    __tablename__ = "solution"

    id: Mapped[int] = mapped_column(primary_key=True)
    startup_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    capability_id: Mapped[int | None] = mapped_column(
        ForeignKey("capability.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)

    startup: Mapped[Organisation] = relationship()

    __mapper_args__ = {"version_id_col": version}


class SolutionRating(Base):
    """A short structured rating by a town that adopted the solution, at adoption and six months
    later; shown only as averages with their count."""

    __tablename__ = "solution_rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(
        ForeignKey("solution.id", ondelete="CASCADE"), index=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilot.id", ondelete="CASCADE"))
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"))
    occasion: Mapped[RatingOccasion] = mapped_column(
        Enum(RatingOccasion, native_enum=False, length=20))
    fit: Mapped[int] = mapped_column(Integer)  # 1..5 each
    support: Mapped[int] = mapped_column(Integer)
    price: Mapped[int] = mapped_column(Integer)
    results: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    solution: Mapped[Solution] = relationship()

    __table_args__ = (UniqueConstraint("pilot_id", "occasion"),)


class Certification(Timestamped, Base):
    """A 第167条の2第1項第4号 certification (新事業分野開拓者の認定) of a startup's product by a
    municipality: the application drafted from the pilot, then granted with a validity period."""

    __tablename__ = "certification"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    startup_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    pilot_id: Mapped[int | None] = mapped_column(ForeignKey("pilot.id", ondelete="SET NULL"))
    solution_id: Mapped[int | None] = mapped_column(
        ForeignKey("solution.id", ondelete="SET NULL"))
    product_name: Mapped[str] = mapped_column(String(200))
    state: Mapped[CertificationState] = mapped_column(
        Enum(CertificationState, native_enum=False, length=20), default=CertificationState.draft)
    # The business plan (事業計画): targets, content, timing, funding.
    plan_targets: Mapped[str] = mapped_column(Text, default="")
    plan_content: Mapped[str] = mapped_column(Text, default="")
    plan_timing: Mapped[str] = mapped_column(Text, default="")
    plan_funding: Mapped[str] = mapped_column(Text, default="")
    novelty: Mapped[str] = mapped_column(Text, default="")  # evidence for the criteria
    expert_opinions: Mapped[str] = mapped_column(Text, default="")
    number: Mapped[str] = mapped_column(String(60), default="")  # 認定番号
    granted_on: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    municipality: Mapped[Organisation] = relationship(foreign_keys=[municipality_id])
    startup: Mapped[Organisation] = relationship(foreign_keys=[startup_id])

    __mapper_args__ = {"version_id_col": version}


class ProcurementProfile(Timestamped, Base):
    """What a startup holds to be bought by a town: 全省庁統一資格, GビズID プライム, ISMAP,
    marketplace listings; the towns it may bid in are BidRegistration rows."""

    __tablename__ = "procurement_profile"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    unified_grade: Mapped[str | None] = mapped_column(String(1))  # A, B, C or D
    unified_valid_until: Mapped[date | None] = mapped_column(Date)
    gbizid_prime: Mapped[bool] = mapped_column(default=False)
    ismap: Mapped[str | None] = mapped_column(String(20))  # "ismap" or "ismap_liu"
    marketplace_listings: Mapped[list[str]] = mapped_column(JSON, default=list)
    # 0..3, kept by the service on every save (services.readiness) so lists filter in SQL.
    level: Mapped[int] = mapped_column(Integer, default=0, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation: Mapped[Organisation] = relationship()

    __mapper_args__ = {"version_id_col": version}


class BidRegistration(Base):
    """A startup's registration on a town's list of qualified bidders (入札参加資格)."""

    __tablename__ = "bid_registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    startup_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    valid_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("startup_id", "municipality_id"),)


__all__ = ["BidRegistration", "BudgetCalendar", "Certification", "ChecklistEntry",
           "ProcurementProfile", "ProcurementRoute", "Solution", "SolutionRating"]
