"""Models of the proposal endpoints: startups apply to open challenges, reviewers decide."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from govtech.api.schemas_common import Body, Form, ListQuery, Out, Resource, Timestamp, UploadFile
from govtech.api.schemas_pilots import ChallengeRef, OrganisationRef
from govtech.security import MAX_ID

ProposalState = Literal["submitted", "shortlisted", "accepted", "declined", "withdrawn"]


class AttachmentOut(Out):
    """The proposal's PDF (GET …/attachment downloads it)."""

    name: str = Field(description="The file name the startup gave it.", examples=["提案書.pdf"])
    size: int = Field(description="Its size in bytes.", examples=[48213])


class ProposalOut(Resource):
    """A startup's proposal to a challenge."""

    challenge: ChallengeRef = Field(description="The challenge it answers.")
    startup: OrganisationRef = Field(description="The startup that wrote it.")
    state: ProposalState = Field(description="Where it is in review.", examples=["submitted"])
    approach: str = Field(description="How the startup would solve the challenge.")
    timeline: str = Field(description="Its plan in time.")
    cost_estimate: int | None = Field(description="Estimated cost in units of 10,000 yen "
                                                   "(万円).", examples=[300])
    reason: str = Field(description="Why it was declined (the reviewers' words).")
    attachment: AttachmentOut | None = Field(description="Its PDF, if any.")
    created_at: Timestamp = Field(description="When it was submitted.")
    can_edit: bool = Field(description="Whether the caller may edit it now (PATCH).")
    locked_reason: str | None = Field(description="For its startup: why it can no longer be "
                                                  "edited, translated.")
    allowed_states: list[ProposalState] = Field(
        description="The states the caller may move it to now (POST …/state).")


class ProposalVersionOut(Resource):
    """An earlier text of a proposal, kept when its startup edited it. Versions never change:
    `version` is its number and `updated_at` when it was written."""

    number: int = Field(description="1 for the text first submitted, then each edit's.")
    approach: str = Field(description="The approach as it was.")
    timeline: str = Field(description="The timeline as it was.")
    cost_estimate: int | None = Field(description="The cost estimate (万円) as it was.")
    attachment: AttachmentOut | None = Field(description="Its PDF, if any (GET …/attachment).")


class ProposalVersionList(Out):
    """A proposal's earlier versions, newest first (a short list, not paged)."""

    items: list[ProposalVersionOut] = Field(description="Newest first.")


class ProposalQuery(ListQuery):
    q: str = Field("", max_length=200, description="Words in the challenge's title or the "
                                                   "approach.")
    challenge_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Only this challenge's proposals (its municipality "
                                           "and the programme office: the review page's list).")


class ProposalForm(Form):
    """A new proposal as multipart/form-data: its fields and, optionally, its PDF."""

    approach: str = Field(min_length=1, max_length=20000,
                          description="How you would solve the challenge, and with what.")
    timeline: str = Field("", max_length=5000, description="e.g. 1st month: setup, …")
    cost_estimate: int | None = Field(None, ge=0, le=1_000_000_000,
                                      description="Estimated cost in 万円 (10,000 yen).")
    attachment: UploadFile | None = Field(None, description="The proposal as a PDF (checked "
                                          "by its content; at most MAX_ATTACHMENT_BYTES).")


class AttachmentForm(Form):
    """A replacement PDF as multipart/form-data."""

    attachment: UploadFile = Field(description="The proposal as a PDF.")


class ProposalPatch(Body):
    """Only the fields sent change (a new PDF: PUT …/attachment)."""

    approach: str | None = Field(None, min_length=1, max_length=20000,
                                 description="How you would solve the challenge.")
    timeline: str | None = Field(None, max_length=5000, description="Its plan in time.")
    cost_estimate: int | None = Field(None, ge=0, le=1_000_000_000,
                                      description="Estimated cost in 万円.")


class ProposalStateIn(Body):
    state: ProposalState = Field(description="`shortlisted`, `accepted`, `declined` "
                                             "(reviewers) or `withdrawn` (its startup).")
    reason: str = Field("", max_length=2000, description="Required when declining; the "
                                                         "startup reads it.")
