"""Models of the recommendation endpoints: pairs the matcher suggests, and their review."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from govtech.api.schemas_common import Body, ListQuery, Out, Resource
from govtech.api.schemas_pilots import ChallengeRef, OrganisationRef
from govtech.security import MAX_ID

Level = Literal["high", "medium", "reference"]


class InterestOut(Out):
    """Which sides said 関心あり (a party sees only its own side's; managers both)."""

    town: bool = Field(description="The municipality said 関心あり (asks for an introduction).")
    startup: bool = Field(description="The startup said 関心あり.")
    mine: bool = Field(description="The caller's own side said it.")


class RecommendationOut(Resource):
    """A suggested pair of a challenge and a startup, with why it was suggested."""

    challenge: ChallengeRef = Field(description="The challenge of the pair.")
    startup: OrganisationRef = Field(description="The startup of the pair.")
    state: Literal["suggested", "introduced", "rejected", "dismissed"] = Field(
        description="Where the pair is in review.", examples=["suggested"])
    score: float = Field(description="The matcher's score (0–2).", examples=[0.31])
    level: Level = Field(description="The plain level shown instead of the score.",
                         examples=["high"])
    reason: str = Field(description="One line saying why, translated (Accept-Language).",
                        examples=["防災・LINEが共通／秋田県に対応"])
    terms: list[str] = Field(description="Words the two texts share.", examples=[["防災"]])
    categories: list[str] = Field(description="Shared fields, translated.")
    region: str = Field(description="The prefecture the startup serves, if that counted.")
    proven: bool = Field(description="The startup's solution was adopted for a similar "
                                     "challenge elsewhere.")
    interest: InterestOut = Field(description="Who said 関心あり.")
    manager_note: str | None = Field(
        description="The programme office's private note; null for everyone else.")


class RecommendationQuery(ListQuery):
    q: str = Field("", max_length=200, description="Words in the challenge's title or the "
                                                   "startup's name.")
    category: str = Field("", max_length=40, description="A category key, e.g. `disaster`.")
    prefecture: str = Field("", max_length=2, description="The municipality's prefecture "
                                                          "code (`01`–`47`).")
    min_score: float | None = Field(None, ge=0, le=2, description="Managers only (ignored for "
                                                                  "others), as on the page.")
    level: Literal["", "high", "reference"] = Field(
        "", description="`` high and medium (the page's list), `high` only, or `reference` "
                        "(the page's folded 「その他の候補」).")
    proven: bool = Field(False, description="Only pairs whose startup was adopted for a "
                                            "similar challenge.")


class DismissIn(Body):
    reason: str = Field("", max_length=500, description="Why (optional).")


class RejectIn(Body):
    reason: str = Field(min_length=1, max_length=500, description="Why the pair will not be "
                                                                  "introduced (required).")


class IntroduceIn(Body):
    note: str = Field("", max_length=500, description="A note for the pair's timeline.")


class NoteIn(Body):
    note: str = Field(max_length=2000, description="The programme office's private note on the "
                                                   "pair (parties never see it); empty clears it.")


class IntroducedOut(Out):
    """The pilot an introduction started."""

    recommendation: RecommendationOut = Field(description="The pair, now introduced.")
    pilot_id: int = Field(description="The new pilot (GET /api/v1/pilots/{id}).")


class BulkIn(Body):
    ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        min_length=1, max_length=100, description="The pairs (at most 100).")
    action: Literal["introduce", "reject"] = Field(description="What to do with them.")
    reason: str = Field("", max_length=500, description="Required for `reject`.")


class BulkOut(Out):
    """Each pair is done on its own: one refusal stops no other."""

    done: int = Field(description="How many pairs were introduced or rejected.")
    problems: list[str] = Field(description="What went wrong with the others, translated.")
