"""Proposals (提案): a startup's application to an open challenge, and its earlier versions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtech.models.base import Base, Timestamped, utcnow
from govtech.models.challenge import Challenge
from govtech.models.enums import ProposalState
from govtech.models.organisation import Organisation
from govtech.models.user import User


class Proposal(Timestamped, Base):
    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenge.id", ondelete="CASCADE"), index=True)
    startup_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    # Who wrote the current text: the submitter, then whoever saved the latest edit.
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    approach: Mapped[str] = mapped_column(Text)
    timeline: Mapped[str] = mapped_column(Text, default="")
    cost_estimate: Mapped[int | None] = mapped_column(Integer)  # in units of 10,000 yen (万円)
    # The PDF lives under instance/attachments/<attachment_key>.pdf; the name is the uploader's.
    attachment_key: Mapped[str | None] = mapped_column(String(36))
    attachment_name: Mapped[str | None] = mapped_column(String(255))
    attachment_size: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[ProposalState] = mapped_column(
        Enum(ProposalState, native_enum=False, length=20), default=ProposalState.submitted,
        index=True)
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was declined
    version: Mapped[int] = mapped_column(Integer, default=1)

    challenge: Mapped[Challenge] = relationship()
    startup: Mapped[Organisation] = relationship()
    author: Mapped[User | None] = relationship()
    versions: Mapped[list[ProposalVersion]] = relationship(
        back_populates="proposal", order_by="ProposalVersion.number",
        cascade="all, delete-orphan", passive_deletes=True)

    # lists are read in this order and stop after their page (migration 0016)
    __table_args__ = (Index("ix_proposal_created_at", "created_at", "id"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def is_active(self) -> bool:
        return self.state in (ProposalState.submitted, ProposalState.shortlisted)

    def __repr__(self) -> str:
        return f"<Proposal {self.id} challenge={self.challenge_id} {self.state}>"


class ProposalVersion(Base):
    """The proposal as it stood before an edit (version N is the text the N-th edit replaced),
    with its PDF: what the municipality may have read is never lost. `author` wrote this text,
    `created_at` is when it was saved (submitted, or written by the edit before)."""

    __tablename__ = "proposal_version"
    __table_args__ = (UniqueConstraint("proposal_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    approach: Mapped[str] = mapped_column(Text)
    timeline: Mapped[str] = mapped_column(Text, default="")
    cost_estimate: Mapped[int | None] = mapped_column(Integer)
    attachment_key: Mapped[str | None] = mapped_column(String(36))
    attachment_name: Mapped[str | None] = mapped_column(String(255))
    attachment_size: Mapped[int | None] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="versions")
    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ProposalVersion {self.proposal_id}#{self.number}>"
