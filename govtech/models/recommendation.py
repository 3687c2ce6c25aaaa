"""Recommendations: the matcher's pairings, stored with their explanation, and rebuild runs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from govtech.models.base import Base, Timestamped
from govtech.models.challenge import Challenge
from govtech.models.enums import JobState, RecommendationState
from govtech.models.organisation import Organisation
from govtech.models.pilot import Pilot


class Recommendation(Timestamped, Base):
    __tablename__ = "recommendation"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenge.id", ondelete="CASCADE"))
    startup_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float, index=True)
    text_score: Mapped[float] = mapped_column(Float)
    terms: Mapped[list[dict]] = mapped_column(JSON, default=list)  # [{"term", "weight"}]
    signals: Mapped[list[dict]] = mapped_column(JSON, default=list)  # [{"name", "value", "weight"}]
    # Words that carry the match without being shared: [{"challenge_term", "startup_term",
    # "weight"}] (matching.Match.related), shown apart from the shared words.
    related: Mapped[list[dict]] = mapped_column(JSON, default=list, server_default="[]")
    matcher_version: Mapped[str] = mapped_column(String(40))
    state: Mapped[RecommendationState] = mapped_column(
        Enum(RecommendationState, native_enum=False, length=20),
        default=RecommendationState.suggested, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")  # why rejected or dismissed
    manager_note: Mapped[str] = mapped_column(Text, default="", server_default="")  # managers only
    # 横展開: set when the pair is suggested because the startup's solution was adopted elsewhere
    proven_pilot_id: Mapped[int | None] = mapped_column(
        ForeignKey("pilot.id", ondelete="SET NULL"))
    # Fingerprints of both texts when scored: a rejected or dismissed pair comes back only
    # when one of them changes.
    challenge_fingerprint: Mapped[str] = mapped_column(String(40))
    startup_fingerprint: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The rebuild that wrote a suggested pair (0: before any generation, or refreshes since).
    # Readers see suggested pairs of the live generation only (`live()`); closed pairs
    # (introduced, rejected, dismissed) are kept whatever their generation.
    generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    challenge: Mapped[Challenge] = relationship()
    startup: Mapped[Organisation] = relationship()
    proven_pilot: Mapped[Pilot | None] = relationship()

    __table_args__ = (UniqueConstraint("challenge_id", "startup_id", "generation"),)
    __mapper_args__ = {"version_id_col": version}

    @classmethod
    def live_generation(cls) -> ColumnElement[int]:
        """The generation pages show: that of the last rebuild swapped in, else 0."""
        return (select(func.coalesce(func.max(MatchingRun.id), 0))
                .where(MatchingRun.swapped_at.is_not(None)).scalar_subquery())

    @classmethod
    def live(cls) -> ColumnElement[bool]:
        """Pairs a reader may see: closed ones, and suggested ones of the live generation
        (a rebuild writes its next generation beside it, unseen until swapped in)."""
        return or_(cls.state != RecommendationState.suggested,
                   cls.generation == cls.live_generation())


class PairInterest(Base):
    """One side's 「関心あり」 on a recommended pair: the town asks the programme office for an
    introduction, or the startup says it would like to meet. Kept by (challenge, startup, side),
    not by recommendation row, so it survives the rebuilds that rewrite suggested pairs; the
    programme office sees it as a signal on its review list. Undoing it deletes the row (the
    history keeps both events)."""

    __tablename__ = "pair_interest"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenge.id", ondelete="CASCADE"))
    startup_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(20))  # "municipality" or "startup"
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("challenge_id", "startup_id", "side"),)


class MatchingRun(Base):
    """One full rebuild of the recommendations: its progress is what the progress bar shows."""

    __tablename__ = "matching_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[JobState] = mapped_column(Enum(JobState, native_enum=False, length=20),
                                            default=JobState.queued)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # What the job is doing (loading, fitting, scoring, writing, swapping), since when it runs
    # and when it last wrote here: a running run not touched for a while is dead.
    stage: Mapped[str] = mapped_column(String(20), default="", server_default="")
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set in the transaction that makes this run's pairs the live generation (= its id).
    swapped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pairs: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    challenges: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    startups: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Seconds per stage, {"loading": 1.2, ...}, for the outcome and the benchmark.
    stage_seconds: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
