"""Capabilities: a startup's solutions, with their track record."""
from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtech.models.base import Base, Timestamped
from govtech.models.organisation import Organisation


class Capability(Timestamped, Base):
    __tablename__ = "capability"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    # [{"town": "由利本荘市", "year": 2023, "note": "..."}]: past municipal deployments
    track_record: Mapped[list[dict]] = mapped_column(JSON, default=list)
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)  # prefecture codes
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation: Mapped[Organisation] = relationship(back_populates="capabilities")

    __mapper_args__ = {"version_id_col": version}
