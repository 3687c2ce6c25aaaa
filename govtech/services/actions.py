"""対応が必要なこと: what waits for this user now, and what waits for the other side.

One function, `for_user`, answers it for every role from the real data and the real rules
(workflow.PILOT_MOVERS and PILOT_REPORT_WRITERS, the three marketing approvals, the proposal
states). Each item names its object, the verb of the button that does it, the page where it is
done, its deadline and the pair it belongs to (so notifications can be grouped and filtered by
it). The queries are a fixed few per role, each LIMITed (services.actions_sources); the items
are sorted by deadline (none last), then by how long they have waited.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from govtech.models import User
from govtech.services import access, challenges
from govtech.services import actions_sources as sources
from govtech.services.actions_items import Action, Actions

__all__ = ["Action", "Actions", "for_user", "shown", "sort_key"]

#: How many items each group shows; the rest are counted and linked.
SHOWN = 8
#: A deadline this close is marked as soon.
SOON = timedelta(days=7)


_EPOCH = datetime.min.replace(tzinfo=UTC)


def _aware(value: datetime | None) -> datetime:
    if value is None:
        return _EPOCH
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def sort_key(item: Action) -> tuple:
    """By deadline, soonest first (none last), then the longest waiting first."""
    return (item.deadline is None, item.deadline or date.max, _aware(item.since))


def for_user(user: User | None, *, shown: int = SHOWN) -> Actions:
    """What waits on this user (`mine`) and what they wait for (`theirs`), sorted."""
    found = Actions()
    if not access.member(user) or user is None:
        return found
    if access.manager(user):
        sources.for_manager(user, found)
    else:
        sources.for_party(user, found)
    today = challenges.today()
    for item in (*found.mine, *found.theirs):
        if item.deadline is not None:
            item.urgency = ("late" if item.deadline < today
                            else "soon" if item.deadline <= today + SOON else "")
    found.mine.sort(key=sort_key)
    found.theirs.sort(key=sort_key)
    found.more_mine = max(0, len(found.mine) - shown)
    found.more_theirs = max(0, len(found.theirs) - shown)
    return found


def shown(actions: Actions, shown_count: int = SHOWN) -> Actions:
    """The same actions with each group cut to what the home page shows."""
    return Actions(mine=actions.mine[:shown_count], theirs=actions.theirs[:shown_count],
                   more_mine=actions.more_mine, more_theirs=actions.more_theirs,
                   links=actions.links)
