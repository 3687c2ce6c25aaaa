"""Time arithmetic in SQL, written once for SQLite and once for PostgreSQL.

The dashboard counts in the database (GROUP BY) rather than loading every pilot; months and
durations need date functions, which the two databases spell differently. Stored times are UTC
(SQLite keeps them as naive ISO text, PostgreSQL as timestamptz); the rest of the code never
depends on which database it runs on.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Float, Integer, String, bindparam, cast, func
from sqlalchemy.sql.elements import ColumnElement

from govtech.extensions import db

JAPAN = "Asia/Tokyo"
JAPAN_OFFSET = "+9 hours"  # Japan keeps no daylight saving time: a fixed offset is exact


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def moment(value: datetime, name: str = "now") -> ColumnElement[Any]:
    """A point in time as a bound parameter both databases compare with stored times."""
    if _postgres():
        return bindparam(name, value, type_=DateTime(timezone=True))
    utc = value.astimezone(UTC) if value.tzinfo else value
    return bindparam(name, utc.strftime("%Y-%m-%d %H:%M:%S.%f"), type_=String)


def seconds_between(end: Any, start: Any) -> ColumnElement[float]:
    """`end - start` in seconds (to the millisecond on SQLite, whose julianday is a float)."""
    if _postgres():
        return cast(func.extract("epoch", end - start), Float)
    return func.round((func.julianday(end) - func.julianday(start)) * 86400.0, 3)


def whole_days(seconds: Any) -> ColumnElement[int]:
    """Whole days in a number of seconds (never negative here), rounded down."""
    if _postgres():
        return cast(func.floor(seconds / 86400.0), Integer)
    return cast(seconds / 86400.0, Integer)  # SQLite's CAST truncates


def month_in_japan(column: Any) -> ColumnElement[str]:
    """The month (YYYY-MM) of a stored time, as people in Japan see it."""
    if _postgres():
        return func.to_char(func.timezone(JAPAN, column), "YYYY-MM")
    return func.strftime("%Y-%m", column, JAPAN_OFFSET)
