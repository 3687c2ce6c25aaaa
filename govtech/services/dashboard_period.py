"""The dashboard's period (`?period=`): this month, last month, this quarter, this fiscal year
(April–March, as Japanese offices count 年度) or all time.

A period is a half-open range of days in Japan time, [start, end); `all` has no bounds. The
figures that a period makes sense for (moves between stages, new pairs, adoptions, endings,
publications) count only what happened inside it; the pairs' current stages and the
programme's median days per stage do not depend on it. The time is read through `clock()`, so
tests can travel (tests/clock.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, true
from sqlalchemy.sql.elements import ColumnElement

from govtech.services import sqltime

TOKYO = ZoneInfo("Asia/Tokyo")
PERIODS = {"month": _l("This month"), "last_month": _l("Last month"),
           "quarter": _l("This quarter"), "fiscal_year": _l("This fiscal year"),
           "all": _l("All time")}
DEFAULT = "month"


def clock() -> datetime:
    """Now (UTC); tests replace it."""
    return datetime.now(UTC)


def _next_month(day: date, months: int = 1) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    key: str
    start: date | None = None  # first day, Japan time (None: all time)
    end: date | None = None  # the day after the last one

    @property
    def is_all(self) -> bool:
        return self.start is None

    def label(self) -> str:
        """The period in words for the heading: 2026年12月, 2026年10月～12月, 2026年度, 全期間."""
        if self.start is None or self.end is None:
            return _("All time")
        locale = get_locale()
        if self.key in ("month", "last_month"):
            return format_skeleton("yMMMM", self.start, locale=locale)
        if self.key == "fiscal_year":
            return _("FY%(year)s", year=self.start.year)
        last = _next_month(self.end, -1)
        return _("%(first)s–%(last)s %(year)s",
                 first=format_skeleton("MMM", self.start, locale=locale),
                 last=format_skeleton("MMM", last, locale=locale), year=self.start.year)

    def bounds(self) -> tuple[datetime, datetime] | None:
        """The period as two moments (Japan midnights), or None for all time."""
        if self.start is None or self.end is None:
            return None
        return (datetime.combine(self.start, time(), TOKYO),
                datetime.combine(self.end, time(), TOKYO))

    def contains(self, column: Any, name: str = "period") -> ColumnElement[bool]:
        """A condition: the stored time `column` falls inside the period (`name` keeps the
        bound parameters of two such conditions in one statement apart)."""
        found = self.bounds()
        if found is None:
            return true()
        return and_(column >= sqltime.moment(found[0], f"{name}_start"),
                    column < sqltime.moment(found[1], f"{name}_end"))


def today() -> date:
    """Today in Japan."""
    return clock().astimezone(TOKYO).date()


def period(key: str | None) -> tuple[Period, bool]:
    """The period named `key` (around today, Japan time), and whether the key was understood;
    a missing or unknown key gives the default period."""
    understood = key is None or key in PERIODS
    key = key if key in PERIODS else DEFAULT
    day = today()
    month = date(day.year, day.month, 1)
    if key == "month":
        return Period(key, month, _next_month(month)), understood
    if key == "last_month":
        return Period(key, _next_month(month, -1), month), understood
    if key == "quarter":
        first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return Period(key, first, _next_month(first, 3)), understood
    if key == "fiscal_year":
        year = day.year if day.month >= 4 else day.year - 1
        return Period(key, date(year, 4, 1), date(year + 1, 4, 1)), understood
    return Period("all"), understood


ALL_TIME = Period("all")
