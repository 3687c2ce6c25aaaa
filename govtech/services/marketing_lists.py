"""Joint marketing's lists: the filtered list and the month calendar of what a user's pairs plan
(the parties see their own pairs', managers all). The rules live in services.marketing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased, joinedload

from govtech.extensions import db
from govtech.labels import state_label
from govtech.models import (
    Challenge,
    MarketingActivity,
    MarketingKind,
    MarketingState,
    Organisation,
    Pilot,
    User,
)
from govtech.services import access, listsearch

S = MarketingState


@dataclass
class Filters:
    q: str = ""
    kind: str = ""
    state: str = ""


def _visible(user: User) -> Select[tuple[MarketingActivity]]:
    return (select(MarketingActivity).join(MarketingActivity.pilot).join(Pilot.challenge)
            .options(joinedload(MarketingActivity.pilot).joinedload(Pilot.challenge)
                     .joinedload(Challenge.organisation),
                     joinedload(MarketingActivity.pilot).joinedload(Pilot.startup))
            .where(access.own_side(user, municipality=Challenge.organisation_id,
                                   startup=Pilot.startup_id)))


def list_query(user: User, filters: Filters) -> Select[tuple[MarketingActivity]]:
    """Activities this user may see (their pairs', or all for managers), newest change first."""
    query = _visible(user)
    if filters.kind in MarketingKind.__members__:
        query = query.where(MarketingActivity.kind == MarketingKind(filters.kind))
    if filters.state in S.__members__:
        query = query.where(MarketingActivity.state == S(filters.state))
    if filters.q.split():
        municipality, startup = aliased(Organisation), aliased(Organisation)
        query = (query.join(municipality, Challenge.organisation).join(startup, Pilot.startup)
                 .where(listsearch.words_match(filters.q, MarketingActivity.title,
                                               Challenge.title, municipality.name,
                                               startup.name)))
    return query.order_by(MarketingActivity.updated_at.desc(), MarketingActivity.id.desc())


def planned_between(user: User, first: date, last: date) -> list[MarketingActivity]:
    """What this user's pairs plan to publish from `first` up to (not including) `last`, by
    date; cancelled activities are left out. The calendar page lays them out."""
    return list(db.session.scalars(
        _visible(user).where(MarketingActivity.planned_date >= first,
                             MarketingActivity.planned_date < last,
                             MarketingActivity.state != S.cancelled)
        .order_by(MarketingActivity.planned_date, MarketingActivity.id)).unique())


def state_choices() -> list[tuple[str, str]]:
    return [(state.value, state_label(state)) for state in S]
