"""Models of the public case-study endpoints: published, public case studies and their
approved KPI figures."""
from __future__ import annotations

from pydantic import Field

from govtech.api.schemas_common import ListQuery, Out, Resource, Timestamp
from govtech.api.schemas_pilots import ChallengeRef, OrganisationRef


class KpiFigure(Out):
    """One KPI as the three sides approved it for the case study (never the live figure)."""

    name: str = Field(description="What is measured.", examples=["避難情報の到達時間"])
    unit: str = Field(description="Its unit.", examples=["分"])
    baseline: float | None = Field(description="Before the pilot.", examples=[30])
    target: float | None = Field(description="The target.", examples=[5])
    actual: float | None = Field(description="Measured.", examples=[3])


class CaseOut(Resource):
    """A published case study (導入事例): what a pair achieved."""

    title: str = Field(description="Its title.", examples=["河川水位センサーで避難情報を3分で配信"])
    body: str | None = Field(description="Its text (Markdown); only when reading one case "
                                         "study, null in lists.")
    published_at: Timestamp | None = Field(description="When it was published.")
    challenge: ChallengeRef = Field(description="The pair's challenge and municipality.")
    startup: OrganisationRef = Field(description="The pair's startup.")
    kpis: list[KpiFigure] = Field(description="The approved KPI figures.")


class CaseQuery(ListQuery):
    """The search of the case-studies page."""

    q: str = Field("", max_length=200, description="Words in the title, the challenge's title "
                                                   "or either organisation's name.")
