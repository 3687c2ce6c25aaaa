"""The items of 対応が必要なこと (services.actions): one thing to do, and the two lists."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _

from govtech.models import Pilot


@dataclass
class Action:
    kind: str  # org_approval, rec_review, marketing_approval, proposal_review, pilot_step, …
    title: str  # translated, naming the object
    verb: str  # the button's label (translated)
    url: str  # where the verb is done
    deadline: date | None = None
    since: datetime | None = None  # since when it has waited (older first among equals)
    pair: int | None = None  # the pilot it belongs to, for grouping
    count: int | None = None  # a count item ("10 pairs to review") says how many
    note: str = ""  # a short second line (the stage, who else still has to act)
    deadline_label: str = ""  # what the date is (提案締切, 公開予定日, 期日)
    urgency: str = ""  # "late" past its deadline, "soon" within a week, else ""


@dataclass
class Actions:
    mine: list[Action] = field(default_factory=list)  # あなたの対応待ち
    theirs: list[Action] = field(default_factory=list)  # 相手の対応待ち
    more_mine: int = 0  # items not shown in each group
    more_theirs: int = 0
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url): the full lists

    @property
    def urls(self) -> set[str]:
        """The pages where this user has something to do (notifications are matched on them)."""
        return {item.url for item in self.mine}

    @property
    def pairs(self) -> set[int]:
        return {item.pair for item in self.mine if item.pair is not None}


def pair_name(pilot: Pilot) -> str:
    """「○○市『窓口DX』× 株式会社X」."""
    return _("%(town)s “%(challenge)s” × %(startup)s", town=pilot.challenge.organisation.name,
             challenge=pilot.challenge.title, startup=pilot.startup.name)
