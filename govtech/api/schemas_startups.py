"""Models of the startup endpoints: the directory, a startup's profile and its capabilities."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from govtech.api.schemas_common import Body, ListQuery, Resource
from govtech.reference import CATEGORIES, PREFECTURES

_NOT_NULL: Any = None  # a default that is not validated: absent is fine, null is refused


class TrackRecordItem(Body):
    """One past municipal deployment."""

    town: str = Field(min_length=1, max_length=100, description="The municipality.",
                      examples=["由利本荘市"])
    year: int = Field(description="The year (1950 to this year).", examples=[2023])
    note: str = Field("", max_length=300, description="What was deployed.",
                      examples=["防災アプリを導入"])


class CapabilityOut(Resource):
    """A startup's solution, with its track record."""

    startup_id: int = Field(description="The startup it belongs to.")
    title: str = Field(description="Its title.", examples=["避難所混雑マップ"])
    description: str = Field(description="What it does.")
    categories: list[str] = Field(description="Category keys.", examples=[["disaster"]])
    tags: list[str] = Field(description="Free tags.", examples=[["IoT"]])
    track_record: list[TrackRecordItem] = Field(description="Past municipal deployments.")
    regions: list[str] = Field(description="Where it can serve: prefecture codes, region "
                                           "names or `all`.", examples=[["all"]])


class StartupOut(Resource):
    """A startup's public profile in the directory (members only)."""

    name: str = Field(description="The company's name.", examples=["ATLシステムズ株式会社"])
    state: Literal["pending", "approved", "suspended"] = Field(
        description="Approval of the organisation (others than approved are seen only by "
                    "their members and managers).")
    description: str = Field(description="About the company.")
    website: str | None = Field(description="Its website.")
    founded_year: int | None = Field(description="Founded (year).", examples=[2018])
    employees: int | None = Field(description="Number of employees.", examples=[30])
    head_office_prefecture: str | None = Field(description="Head office (prefecture code).",
                                               examples=["13"])
    regions_served: list[str] = Field(description="Regions served (codes, region names or "
                                                  "`all`).")
    capabilities: list[CapabilityOut] = Field(description="Its capabilities.")
    can_edit: bool = Field(description="Whether the caller may edit the profile and "
                                       "capabilities.")


def _known(value: str | None, known: dict, what: str) -> str | None:
    if value and value not in known:
        raise ValueError(f"unknown {what}")
    return value or None


class StartupQuery(ListQuery):
    """The filters of the startups page (GET /startups)."""

    q: str = Field("", max_length=200, description="Search words (profile and capabilities).")
    category: str | None = Field(None, description="A category key of a capability.")
    prefecture: str | None = Field(None, description="Serves this prefecture (code).")

    @field_validator("category")
    @classmethod
    def _category(cls, value: str | None) -> str | None:
        return _known(value, CATEGORIES, "category")

    @field_validator("prefecture")
    @classmethod
    def _prefecture(cls, value: str | None) -> str | None:
        return _known(value, PREFECTURES, "prefecture")


def _regions(values: list[str] | None) -> list[str] | None:
    """As the page's checkboxes: `all` or prefecture codes."""
    for value in values or []:
        if value != "all" and value not in PREFECTURES:
            raise ValueError(f"unknown region: {value}")
    return values


class CapabilityQuery(ListQuery):
    """A startup's capabilities (no filters)."""


class ProfilePatch(Body):
    """The startup's profile; only the fields sent change."""

    description: str = Field(_NOT_NULL, max_length=5000, description="About the company.")
    website: str | None = Field(None, max_length=300, pattern=r"^https?://[^\s/$.?#].[^\s]*$",
                                description="A full web address starting with https://.")
    founded_year: int | None = Field(None, ge=0, le=10_000, description="Founded (year).")
    employees: int | None = Field(None, ge=0, le=10_000_000, description="Employees.")
    head_office_prefecture: str | None = Field(None, description="Prefecture code.")
    regions_served: list[str] = Field(_NOT_NULL, max_length=60,
                                      description="Prefecture codes or `all`.")

    @field_validator("head_office_prefecture")
    @classmethod
    def _prefecture(cls, value: str | None) -> str | None:
        return _known(value, PREFECTURES, "prefecture")

    check_regions_served = field_validator("regions_served")(_regions)


class CapabilityIn(Body):
    title: str = Field(min_length=1, max_length=200, description="Its title.")
    description: str = Field("", max_length=20000, description="What it does.")
    categories: list[str] = Field([], max_length=20, description="Category keys.")
    tags: list[str] = Field([], max_length=50, description="At most 10 tags of 30 characters.")
    track_record: list[TrackRecordItem] = Field([], max_length=100,
                                                description="Past municipal deployments.")
    regions: list[str] = Field([], max_length=60,
                               description="Prefecture codes or `all`.")

    check_regions = field_validator("regions")(_regions)


class CapabilityPatch(Body):
    """Only the fields sent change; none can be null."""

    title: str = Field(_NOT_NULL, min_length=1, max_length=200, description="Its title.")
    description: str = Field(_NOT_NULL, max_length=20000, description="What it does.")
    categories: list[str] = Field(_NOT_NULL, max_length=20, description="Category keys.")
    tags: list[str] = Field(_NOT_NULL, max_length=50,
                            description="At most 10 tags of 30 characters.")
    track_record: list[TrackRecordItem] = Field(_NOT_NULL, max_length=100,
                                                description="Past municipal deployments.")
    regions: list[str] = Field(_NOT_NULL, max_length=60,
                               description="Prefecture codes or `all`.")

    check_regions = field_validator("regions")(_regions)
