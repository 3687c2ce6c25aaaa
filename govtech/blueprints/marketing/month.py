"""The publication calendar's month: which month the page shows, and its grid of days.

Presentation only: services.marketing_lists.planned_between finds what is planned; this lays it out.
"""
from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date

from govtech.models import MarketingActivity


def parse(value: str | None, today: date) -> date:
    """`2026-12` → 1 December 2026; anything else → this month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def shift(first: date, months: int) -> date:
    """The first day of the month `months` away (negative: back)."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def grid(items: Iterable[MarketingActivity], first: date, today: date) -> list[list[dict]]:
    """Weeks (Sunday first, as Japanese calendars are) of days with the activities planned then;
    days outside the month are blank cells."""
    by_day: dict[date, list[MarketingActivity]] = {}
    for item in items:
        if item.planned_date is not None:
            by_day.setdefault(item.planned_date, []).append(item)
    weeks = calendar.Calendar(firstweekday=6).monthdatescalendar(first.year, first.month)
    return [[{"date": day, "in_month": day.month == first.month, "today": day == today,
              "weekday": day.weekday(), "items": by_day.get(day, [])} for day in week]
            for week in weeks]
