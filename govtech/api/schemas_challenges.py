"""Models of the challenge endpoints: the list's filters, a challenge as read, and its edits."""
from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field, field_validator

from govtech.api.schemas_common import Body, ListQuery, Out, Resource, Timestamp
from govtech.reference import CATEGORIES, PREFECTURES

State = Literal["draft", "open", "closed", "archived"]


def _known(value: str | None, known: dict, what: str) -> str | None:
    if value and value not in known:
        raise ValueError(f"unknown {what}")
    return value or None


class MunicipalityRef(Out):
    """The municipality that posted a challenge."""

    id: int = Field(description="The organisation's id.", examples=[12])
    name: str = Field(description="Its name.", examples=["さいたま市"])
    prefecture: str | None = Field(description="Its prefecture (JIS X 0401 code, \"01\"–\"47\").",
                                   examples=["11"])


Route = Literal["undecided", "small_amount", "certified", "proposal", "marketplace"]
_ROUTE = ("How the town intends to buy what works: `undecided`, `small_amount` (少額随意契約, "
          "within the town's limit), `certified` (第4号認定, where the town certifies), "
          "`proposal` (公募型プロポーザル) or `marketplace`.")


class ChallengeOut(Resource):
    """A municipality's DX challenge. Fields marked *details* are null for readers who may see
    only the public summary (anonymous callers and members of pending organisations), as on the
    challenge's page."""

    title: str = Field(description="Its title.", examples=["防災アプリによる避難情報の配信"])
    summary: str = Field(description="Two or three sentences; public.",
                         examples=["災害時の情報伝達を改善したい。"])
    state: State = Field(description="draft (its town only), open (accepting proposals), "
                                     "closed or archived.", examples=["open"])
    categories: list[str] = Field(description="Category keys of the fixed taxonomy.",
                                  examples=[["disaster"]])
    municipality: MunicipalityRef = Field(description="Who posted it.")
    deadline: date | None = Field(description="Application deadline (Japan calendar day).")
    opened_at: Timestamp | None = Field(description="When it was first opened for proposals.")
    accepting_proposals: bool = Field(description="Open, before its deadline, and its "
                                                  "municipality not suspended.")
    full: bool = Field(description="Whether the caller may read the details (the fields below).")
    tags: list[str] | None = Field(description="Free tags (*details*).", examples=[["防災"]])
    budget_min: int | None = Field(description="Budget from, in units of 10,000 yen "
                                               "(*details*).", examples=[100])
    budget_max: int | None = Field(description="Budget up to, in units of 10,000 yen "
                                               "(*details*).", examples=[300])
    pilot_start: date | None = Field(description="Pilot starts (*details*).")
    pilot_end: date | None = Field(description="Pilot ends (*details*).")
    description: str | None = Field(
        description="Markdown (*details*; only when reading one challenge, null in lists).")
    desired_outcome: str | None = Field(
        description="Desired outcome (*details*; only when reading one challenge).")
    has_commitment: bool = Field(description="The town's commitment to buy what works is "
                                             "complete (the mark 「導入の約束あり」).")
    budget_owner: str = Field(description="The department that will request the adoption's "
                                          "budget.", examples=["市民課"])
    procurement_route: Route = Field(description=_ROUTE, examples=["proposal"])
    success_criteria: str = Field(description="The results that would make the town adopt it.")
    success_kpis: list[str] = Field(description="KPI names; a new pilot starts with them.")
    adoption_fiscal_year: int | None = Field(description="The fiscal year (年度) whose budget "
                                                         "is to pay for the adoption.",
                                             examples=[2027])
    can_edit: bool = Field(description="Whether the caller may edit it and change its state.")
    allowed_states: list[State] = Field(description="States the caller may move it to "
                                                    "(POST /challenges/{id}/state).")


class ChallengeQuery(ListQuery):
    """The filters of the challenges page (GET /challenges)."""

    q: str = Field("", max_length=200, description="Search words (title, summary, town; "
                                                   "members also search the full text).")
    category: str | None = Field(None, description="A category key.", examples=["disaster"])
    prefecture: str | None = Field(None, description="Prefecture code of the municipality.",
                                   examples=["13"])
    budget: int | None = Field(None, ge=0, le=2_000_000_000,
                               description="Budget at least this much (10,000 yen).")
    state: State | None = Field(None, description="Only this state (members; drafts are "
                                                  "the caller's own town's). Default: open "
                                                  "ones, or all but archived for managers.")
    deadline: Literal["accepting", "soon"] | None = Field(
        None, description="`accepting`: deadline not passed; `soon`: within two weeks.")
    mine: bool = Field(False, description="Only the caller's own municipality's challenges.")
    commitment: Literal["made", "missing"] | None = Field(
        None, description="Members: only challenges whose commitment to buy is complete "
                          "(`made`) or not (`missing`).")

    @field_validator("category")
    @classmethod
    def _category(cls, value: str | None) -> str | None:
        return _known(value, CATEGORIES, "category")

    @field_validator("prefecture")
    @classmethod
    def _prefecture(cls, value: str | None) -> str | None:
        return _known(value, PREFECTURES, "prefecture")


_TITLE = "Its title."
_SUMMARY = "Two or three sentences; the public sees this."
_BUDGET = "In units of 10,000 yen."
_NOT_NULL: Any = None  # a default that is not validated: absent is fine, null is refused
_OWNER = "The department that will request the adoption's budget."
_CRITERIA = "The results that would make the town adopt it."
_KPIS = "KPI names (at most 10); a new pilot starts with them."
_YEAR = "The fiscal year (年度) of the adoption: not past, at most 5 years ahead."


class ChallengeIn(Body):
    """A new challenge: saved as a draft of the caller's municipality."""

    title: str = Field(min_length=1, max_length=200, description=_TITLE)
    summary: str = Field("", max_length=500, description=_SUMMARY)
    description: str = Field("", max_length=20000, description="Markdown.")
    categories: list[str] = Field([], max_length=20, description="Category keys.")
    tags: list[str] = Field([], max_length=50, description="At most 10 tags of 30 characters.")
    desired_outcome: str = Field("", max_length=5000, description="Desired outcome.")
    budget_min: int | None = Field(None, ge=0, le=2_000_000_000, description=_BUDGET)
    budget_max: int | None = Field(None, ge=0, le=2_000_000_000, description=_BUDGET)
    pilot_start: date | None = Field(None, description="Pilot starts (ISO date).")
    pilot_end: date | None = Field(None, description="Pilot ends (ISO date).")
    deadline: date | None = Field(None, description="Application deadline; not in the past.")
    budget_owner: str = Field("", max_length=200, description=_OWNER)
    procurement_route: Route = Field("undecided", description=_ROUTE)
    success_criteria: str = Field("", max_length=2000, description=_CRITERIA)
    success_kpis: list[str] = Field([], max_length=10, description=_KPIS)
    adoption_fiscal_year: int | None = Field(None, ge=2000, le=2200, description=_YEAR)


class ChallengePatch(Body):
    """Only the fields sent change; `title`, `summary`, `description`, `categories`, `tags`
    and `desired_outcome` cannot be null."""

    title: str = Field(_NOT_NULL, min_length=1, max_length=200,
                       description=_TITLE)
    summary: str = Field(_NOT_NULL, max_length=500,
                         description=_SUMMARY)
    description: str = Field(_NOT_NULL, max_length=20000,
                             description="Markdown.")
    categories: list[str] = Field(_NOT_NULL, max_length=20,
                                  description="Category keys.")
    tags: list[str] = Field(_NOT_NULL, max_length=50,
                            description="At most 10 tags of 30 characters.")
    desired_outcome: str = Field(_NOT_NULL, max_length=5000,
                                 description="Desired outcome.")
    budget_min: int | None = Field(None, ge=0, le=2_000_000_000, description=_BUDGET)
    budget_max: int | None = Field(None, ge=0, le=2_000_000_000, description=_BUDGET)
    pilot_start: date | None = Field(None, description="Pilot starts (ISO date).")
    pilot_end: date | None = Field(None, description="Pilot ends (ISO date).")
    deadline: date | None = Field(None, description="Application deadline; not in the past.")
    budget_owner: str = Field(_NOT_NULL, max_length=200, description=_OWNER)
    procurement_route: Route = Field(_NOT_NULL, description=_ROUTE)
    success_criteria: str = Field(_NOT_NULL, max_length=2000, description=_CRITERIA)
    success_kpis: list[str] = Field(_NOT_NULL, max_length=10, description=_KPIS)
    adoption_fiscal_year: int | None = Field(None, ge=2000, le=2200, description=_YEAR)


class ChallengeStateIn(Body):
    state: Literal["open", "closed", "archived"] = Field(
        description="`open` (from draft or closed: needs a summary and a category), `closed`, "
                    "`archived` (from draft or closed; final).", examples=["open"])
    note: str = Field("", max_length=500, description="A note for the timeline.")
