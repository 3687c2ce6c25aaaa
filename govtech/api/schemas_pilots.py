"""Models of the pilot (pair) endpoints, and the small references the pipeline's objects share.

Every response object has `id`, `updated_at` and `version` (schemas_common.Resource). KPIs and
milestones have no timestamp or version of their own: they carry their pilot's, so an `ETag` of
a KPI is the pilot's (a stage move makes it stale; editing a KPI does not).
"""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from govtech.api.schemas_common import Body, ListQuery, Out, Resource, Timestamp

Stage = Literal["introduced", "meeting", "proposal", "selected", "agreement", "pilot",
                "evaluation", "budgeting", "adopted", "not_adopted", "withdrawn"]
Side = Literal["municipality", "startup", "office", "either"]
NotAdoptedReason = Literal["budget", "effect", "fit", "timing", "other"]


class OrganisationRef(Out):
    """An organisation named in another object."""

    id: int = Field(description="The organisation's id.", examples=[12])
    name: str = Field(description="Its name.", examples=["さいたま市"])


class ChallengeRef(Out):
    """A challenge named in another object."""

    id: int = Field(description="The challenge's id.", examples=[34])
    title: str = Field(description="Its title.", examples=["防災アプリによる避難情報の配信"])
    municipality: OrganisationRef = Field(description="The municipality that posted it.")


# --- the pilot -----------------------------------------------------------------------------------

class NextStepOut(Out):
    """What must happen next to move the pair on (services.pipeline_status.next_step)."""

    text: str = Field(description="What to do, translated (Accept-Language).",
                      examples=["協定を締結する"])
    side: Side | None = Field(description="Whose move it is; null once the pair has ended.",
                              examples=["municipality"])
    due: date | None = Field(description="The next open milestone's due date, if any.")


class ChecklistItemOut(Out):
    """One thing the pair must record to leave its current stage."""

    key: str = Field(description="Stable name of the requirement.", examples=["kpis_defined"])
    text: str = Field(description="What it asks, translated.")
    done: bool = Field(description="Whether it is done.")
    side: Side = Field(description="Who owes it.")
    due: date | None = Field(None, description="Its due date, if known.")
    required: bool = Field(False, description="True if moving on is refused until it is done.")
    detail: str = Field("", description="Progress, e.g. `2 / 3`.", examples=["2 / 3"])
    waived: bool = Field(False, description="Done by a waiver (with a reason) rather than a "
                                            "record.")
    reason: str = Field("", description="Why it was waived; empty unless waived.")


class KpiOut(Resource):
    """A KPI the pair agreed to measure. `updated_at` and `version` are the pilot's."""

    pilot_id: int = Field(description="The pilot it belongs to.")
    name: str = Field(description="What is measured.", examples=["避難情報の到達率"])
    unit: str = Field(description="Its unit.", examples=["%"])
    baseline: float | None = Field(description="The value before the pilot.", examples=[40.0])
    target: float | None = Field(description="The value aimed at.", examples=[80.0])
    actual: float | None = Field(description="The value measured, once known.", examples=[86.0])


class MilestoneOut(Resource):
    """A dated step the pair plans towards. `updated_at` and `version` are the pilot's."""

    pilot_id: int = Field(description="The pilot it belongs to.")
    title: str = Field(description="What is to be done.", examples=["センサー設置"])
    due_date: date | None = Field(description="When it is due, if dated.")
    is_done: bool = Field(description="Whether it is ticked off.")


class ReportOut(Resource):
    """The results report of a pilot (required before it leaves evaluation)."""

    verified: str = Field(description="What was verified.")
    learned: str = Field(description="What was learned.")
    changed: str = Field(description="What changed for residents, staff or the service.")
    adoption_decision: str = Field(description="Whether and how the municipality adopts it.")
    complete: bool = Field(description="True when verified, learned and changed are written.")
    may_decide: bool = Field(description="Whether the caller may write `adoption_decision`.")


class PilotOut(Resource):
    """A pair (one challenge, one startup) on its way to adoption."""

    challenge: ChallengeRef = Field(description="The challenge of the pair.")
    startup: OrganisationRef = Field(description="The startup of the pair.")
    stage: Stage = Field(description="The current stage.", examples=["agreement"])
    stage_entered_at: Timestamp = Field(description="When the pair entered it.")
    days_in_stage: int = Field(description="Whole days in the current stage.", examples=[12])
    started_at: Timestamp = Field(description="When the pair's journey started.")
    closed_at: Timestamp | None = Field(description="When it ended (adopted, not adopted, "
                                                    "withdrawn); null while open.")
    is_open: bool = Field(description="False once the pair has ended.")
    frozen: bool = Field(description="True while either organisation is suspended: nothing "
                                     "can change.")
    not_adopted_reason: NotAdoptedReason | None = Field(
        description="Why it was not adopted, for that ending.")
    next_step: NextStepOut = Field(description="What must happen next, and whose side it is.")
    my_side: Literal["municipality", "startup", "manager"] | None = Field(
        description="Which side of the pair the caller speaks for.")
    allowed_moves: list[Stage] = Field(description="The stages the caller may move the pair "
                                                   "to now (POST …/move).")


class PilotDetailOut(PilotOut):
    """A pair with its checklist, KPIs, milestones and report."""

    checklist: list[ChecklistItemOut] = Field(description="What the current stage asks.")
    kpis: list[KpiOut] = Field(description="The KPIs, in the order they were added.")
    milestones: list[MilestoneOut] = Field(description="By due date, undated ones last.")
    report: ReportOut = Field(description="The results report.")


class PilotQuery(ListQuery):
    q: str = Field("", max_length=200, description="Words in the challenge's title or either "
                                                   "organisation's name.")
    mine: bool = Field(False, description="Only pairs waiting on the caller's side "
                                          "(the board's 「自分の案件」).")
    stage: Stage | None = Field(None, description="Only pairs at this stage.")


class MoveIn(Body):
    stage: Stage = Field(description="The stage to move the pair to.", examples=["meeting"])
    note: str = Field("", max_length=2000, description="What happened; goes into the timeline.")
    reason: NotAdoptedReason | None = Field(None, description="Required for `not_adopted`.")


class ReportIn(Body):
    """Only the fields sent are written; a startup may not write `adoption_decision`."""

    verified: str | None = Field(None, max_length=10000, description="What was verified.")
    learned: str | None = Field(None, max_length=10000, description="What was learned.")
    changed: str | None = Field(None, max_length=10000, description="What changed.")
    adoption_decision: str | None = Field(None, max_length=10000,
                                          description="The adoption decision (municipality and "
                                                      "programme office only).")


class KpiIn(Body):
    name: str = Field(max_length=200, description="What is measured.", examples=["到達率"])
    unit: str = Field("", max_length=40, description="Its unit.", examples=["%"])
    baseline: float | None = Field(None, description="The value before the pilot.")
    target: float | None = Field(None, description="The value aimed at.")
    actual: float | None = Field(None, description="The value measured.")


class KpiPatch(Body):
    """Only the fields sent change."""

    name: str | None = Field(None, max_length=200, description="What is measured.")
    unit: str | None = Field(None, max_length=40, description="Its unit.")
    baseline: float | None = Field(None, description="The value before the pilot.")
    target: float | None = Field(None, description="The value aimed at.")
    actual: float | None = Field(None, description="The value measured.")


class MilestoneIn(Body):
    title: str = Field(max_length=200, description="What is to be done.",
                       examples=["センサー設置"])
    due_date: date | None = Field(None, description="When it is due (YYYY-MM-DD).")


class MilestoneDoneIn(Body):
    is_done: bool = Field(description="Tick the milestone off (true) or on again (false).")


class KpiList(Out):
    """A pilot's KPIs (a short list, not paged)."""

    items: list[KpiOut] = Field(description="The KPIs, in the order they were added.")


class MilestoneList(Out):
    """A pilot's milestones (a short list, not paged)."""

    items: list[MilestoneOut] = Field(description="By due date, undated ones last.")
