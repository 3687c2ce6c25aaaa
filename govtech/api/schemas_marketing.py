"""Models of the marketing endpoints: joint marketing of a pair, approved by three sides."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from govtech.api.schemas_common import Body, ListQuery, Out, Resource, Timestamp
from govtech.api.schemas_pilots import ChallengeRef, OrganisationRef

Kind = Literal["press_release", "case_study", "webinar_event", "article", "award_entry",
               "joint_sales"]
State = Literal["planned", "drafting", "in_review", "approved", "published", "cancelled"]
ApprovalSide = Literal["municipality", "startup", "manager"]


class ApprovalOut(Out):
    """One side's approval."""

    side: ApprovalSide = Field(description="Whose approval.")
    approved: bool = Field(description="Whether this side has approved the current text.")
    approved_at: Timestamp | None = Field(description="When.")


class ActivityOut(Resource):
    """A marketing activity of a pair (press release, case study, …)."""

    pilot_id: int = Field(description="The pair it belongs to.")
    challenge: ChallengeRef = Field(description="The pair's challenge.")
    startup: OrganisationRef = Field(description="The pair's startup.")
    kind: Kind = Field(description="What kind of activity.", examples=["case_study"])
    title: str = Field(description="Its title.", examples=["河川水位センサーで避難情報を3分で配信"])
    body: str = Field(description="Its text (Markdown).")
    planned_date: date | None = Field(description="When it is to be published.")
    is_public: bool = Field(description="Shown on the public case-study pages once published.")
    state: State = Field(description="Where it is.", examples=["in_review"])
    published_at: Timestamp | None = Field(description="When it was published.")
    approvals: list[ApprovalOut] = Field(description="The three sides' approvals.")
    my_side: ApprovalSide | None = Field(description="The side the caller approves for.")
    can_approve: bool = Field(description="Whether the caller may approve now.")
    allowed_states: list[State] = Field(description="The states the caller may move it to "
                                                    "(POST …/state).")


class ActivityQuery(ListQuery):
    q: str = Field("", max_length=200, description="Words in its title, the challenge's title "
                                                   "or either organisation's name.")
    kind: Kind | None = Field(None, description="Only this kind.")
    state: State | None = Field(None, description="Only this state.")


class ActivityIn(Body):
    kind: Kind = Field(description="What kind of activity.")
    title: str = Field(min_length=1, max_length=200, description="Its title.")
    body: str = Field("", max_length=20000, description="Its text (Markdown).")
    planned_date: date | None = Field(None, description="When it is to be published.")
    is_public: bool = Field(False, description="Show on the public case-study pages once "
                                               "published.")


class ActivityPatch(Body):
    """Only the fields sent change; changing the reviewed text clears the approvals."""

    kind: Kind | None = Field(None, description="What kind of activity.")
    title: str | None = Field(None, min_length=1, max_length=200, description="Its title.")
    body: str | None = Field(None, max_length=20000, description="Its text (Markdown).")
    planned_date: date | None = Field(None, description="When it is to be published.")
    is_public: bool | None = Field(None, description="Show on the public pages once published.")


class ActivityStateIn(Body):
    state: Literal["drafting", "in_review", "published", "cancelled"] = Field(
        description="`drafting` (start, or send back from review with a `note`), `in_review` "
                    "(submit for the three approvals), `published` (once approved), "
                    "`cancelled`.")
    note: str = Field("", max_length=2000, description="A comment; required when sending back.")
