"""Dates and numbers as each language writes them, in one place.

Japanese as a Japanese office writes it (2026年12月22日（火）, 2015年, 30名, 1,200万円, 30分,
「あと21日」) and English in its own formats (Tue, 22 Dec 2026; ¥12,000,000; 30 min;
"21 days left").
Every function takes the value and, optionally, the language ("ja"/"en", or a Babel locale);
without one it is the request's (flask_babel.get_locale), or Japanese outside a request.
None (a value not given) is shown as "—". Templates use these through the Jinja filters of the
same names (govtech/templating.py) and never format a date or number by hand.

The phrases are written here per language rather than through the message catalogue: a filter is
given its language explicitly (tests, e-mail to a user in another language), and a catalogue
lookup would follow the request's instead.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_time as _babel_time

NONE = "—"
DEFAULT_TIMEZONE = "Asia/Tokyo"
JA_WEEKDAYS = "月火水木金土日"
Number = int | float | Decimal


def language(locale: Any = None) -> str:
    """"ja" or "en": the given locale's language, else the request's, else Japanese."""
    if locale is None:
        try:
            from flask_babel import get_locale

            locale = get_locale()
        except (RuntimeError, KeyError, AttributeError):  # outside an app or request
            locale = None
    code = str(getattr(locale, "language", None) or locale or "ja")
    return "en" if code.lower().startswith("en") else "ja"


def timezone() -> dt.tzinfo:
    """The programme's time zone (BABEL_DEFAULT_TIMEZONE; Japan outside an app)."""
    try:
        from flask_babel import get_timezone

        return get_timezone()
    except (RuntimeError, KeyError, AttributeError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def local(value: dt.datetime) -> dt.datetime:
    """A stored time in the programme's time zone (naive times are UTC, as they are stored)."""
    aware = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
    return aware.astimezone(timezone())


def local_today() -> dt.date:
    """Today's date in the programme's time zone."""
    return dt.datetime.now(timezone()).date()


def _day(value: dt.date | dt.datetime | str) -> dt.date:
    if isinstance(value, str):  # an ISO date written in code, e.g. "2026-12-01"
        return dt.date.fromisoformat(value)
    return local(value).date() if isinstance(value, dt.datetime) else value


def date(value: dt.date | dt.datetime | str | None, locale: Any = None) -> str:
    """2026年12月22日（火） / Tue, 22 Dec 2026 (a time is first put in the programme's zone;
    an ISO date string is read as a date)."""
    if value is None or value == "":
        return NONE
    day = _day(value)
    if language(locale) == "ja":
        return f"{day.year}年{day.month}月{day.day}日（{JA_WEEKDAYS[day.weekday()]}）"
    return _babel_date(day, "EEE, d MMM y", locale="en")


def datetime(value: dt.datetime | dt.date | None, locale: Any = None,
             seconds: bool = False) -> str:
    """2026年12月22日（火） 14:05 / Tue, 22 Dec 2026, 14:05: in the programme's time zone,
    without seconds unless asked (the audit log, where the order of events within a minute
    matters)."""
    if value is None:
        return NONE
    if not isinstance(value, dt.datetime):
        return date(value, locale)
    when = local(value)
    lang = language(locale)
    clock = _babel_time(when.timetz(), "HH:mm:ss" if seconds else "HH:mm", locale=lang)
    return f"{date(when, lang)} {clock}" if lang == "ja" else f"{date(when, lang)}, {clock}"


def days_left(deadline: dt.date | dt.datetime | None, today: dt.date | None = None,
              locale: Any = None) -> str:
    """How a deadline stands: 「あと21日」「明日まで」「今日まで」「3日超過」 / "21 days left",
    "due tomorrow", "due today", "3 days overdue". Only the phrase: templates decide when to
    show it."""
    if deadline is None:
        return NONE
    days = (_day(deadline) - (today or local_today())).days
    ja = language(locale) == "ja"
    if days > 1:
        return f"あと{days:,}日" if ja else f"{days:,} days left"
    if days == 1:
        return "明日まで" if ja else "due tomorrow"
    if days == 0:
        return "今日まで" if ja else "due today"
    late = -days
    if ja:
        return f"{late:,}日超過"
    return f"{late:,} day overdue" if late == 1 else f"{late:,} days overdue"


def day_count(value: int | None, locale: Any = None) -> str:
    """The n-th day of something: 48日目 / day 48."""
    if value is None:
        return NONE
    return f"{value:,}日目" if language(locale) == "ja" else f"day {value:,}"


def year(value: int | dt.date | None, locale: Any = None) -> str:
    """2015年 / 2015 (a year is written without a thousands separator)."""
    if value is None:
        return NONE
    number = value.year if isinstance(value, dt.date) else int(value)
    return f"{number}年" if language(locale) == "ja" else str(number)


def aside(text: Any, locale: Any = None) -> str:
    """A remark in brackets after a name: 「さいたま市（埼玉県）」 with full-width brackets and no
    space in Japanese, "Saitama City (Saitama)" in English. Jinja escapes the result."""
    if text is None or text == "":
        return ""
    return f"（{text}）" if language(locale) == "ja" else f" ({text})"


def label(text: Any, locale: Any = None) -> str:
    """A label before its value: 「理由：」 with a full-width colon and no space in Japanese,
    "Reason: " in English (the space is part of it)."""
    return f"{text}：" if language(locale) == "ja" else f"{text}: "


def day_of_month(value: dt.date | dt.datetime | None, locale: Any = None) -> str:
    """A day of the month with its weekday, for lists by month: 2日（水） / Wed 2."""
    if value is None:
        return NONE
    day = _day(value)
    if language(locale) == "ja":
        return f"{day.day}日（{JA_WEEKDAYS[day.weekday()]}）"
    return f"{day.strftime('%a')} {day.day}"


def _decimal(value: Number) -> Decimal:
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def number(value: Number | None, locale: Any = None, decimals: int = 2) -> str:
    """1,234.5: thousands separators, at most `decimals` decimals and none that are needless
    (30.0 → 30, 2.50 → 2.5, 2.9999999 → 3, -0.001 → 0)."""
    if value is None:
        return NONE
    try:
        rounded = _decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # infinity, not-a-number, or beyond the precision
        return str(value)
    if rounded == 0:
        return "0"
    text = f"{rounded:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def score(value: Number | None, locale: Any = None) -> str:
    """An average score out of five, always with one decimal (4 → 4.0, 4.25 → 4.3), so that
    averages side by side read alike."""
    if value is None:
        return NONE
    return f"{_decimal(value).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f}"


def percent(ratio: Number | None, locale: Any = None) -> str:
    """A ratio as a percentage: whole percents from 10 % up (0.5 → 50%, 0.125 → 13%), one
    decimal below 10 % where it is not zero (0.075 → 7.5%, 0.05 → 5%), and "<0.1%" for a share
    too small to show rather than a misleading 0%."""
    if ratio is None:
        return NONE
    value = _decimal(ratio) * 100
    if value != 0 and abs(value) < Decimal("0.05"):
        return "<0.1%" if value > 0 else "-<0.1%"
    return number(value, locale, decimals=0 if abs(value) >= Decimal("9.95") else 1) + "%"


def people(value: int | None, locale: Any = None) -> str:
    """30名 / 30 people (1 person)."""
    if value is None:
        return NONE
    if language(locale) == "ja":
        return f"{number(value)}名"
    return f"{number(value)} person" if value == 1 else f"{number(value)} people"


JA_YEN_UNITS = ((10**12, "兆"), (10**8, "億"), (10**4, "万"))


def yen(value: Number | None, locale: Any = None, per: int = 1) -> str:
    """Money: 1,200万円, 3億5,000万円, 980円 as offices write (万/億/兆, each group with its
    separator, empty groups left out) / ¥12,000,000. `per` is the stored unit: budgets and
    cost estimates are kept in 万円, so `budget|yen(per=10000)`."""
    if value is None:
        return NONE
    amount = int((_decimal(value) * per).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if language(locale) != "ja":
        return f"{sign}¥{amount:,}"
    if amount == 0:
        return "0円"
    parts = []
    for size, unit in JA_YEN_UNITS:
        count, amount = divmod(amount, size)
        if count:
            parts.append(f"{count:,}{unit}")
    if amount:
        parts.append(f"{amount:,}")
    return f"{sign}{''.join(parts)}円"


def yen_range(low: Number | None, high: Number | None = None, locale: Any = None,
              per: int = 1) -> str:
    """A budget from `low` to `high`, either may be missing: 500万円～1,200万円, 1,200万円まで,
    500万円から / ¥5,000,000–¥12,000,000, up to ¥12,000,000, from ¥5,000,000."""
    lang = language(locale)
    if low is None and high is None:
        return NONE
    if low is None:
        return f"{yen(high, lang, per)}まで" if lang == "ja" else f"up to {yen(high, lang, per)}"
    if high is None:
        return f"{yen(low, lang, per)}から" if lang == "ja" else f"from {yen(low, lang, per)}"
    if low == high:
        return yen(low, lang, per)
    return f"{yen(low, lang, per)}{'～' if lang == 'ja' else '–'}{yen(high, lang, per)}"


def file_size(size: int | None, locale: Any = None) -> str:
    """A file's size: 980 B, 12 KB, 1.2 MB (KiB written KB, as people read it)."""
    if size is None:
        return NONE
    if size < 1024:
        return f"{number(size)} B"
    if size < 1024 * 1024:
        return f"{number(size / 1024, decimals=0)} KB"
    return f"{number(size / 1024 / 1024, decimals=1)} MB"


# Units written differently in English; any other unit is shown as given.
EN_UNITS = {"分": "min", "時間": "h", "日": "days", "件": "items", "人": "people",
            "名": "people", "円": "yen", "回": "times", "秒": "s", "か月": "months",
            "ヶ月": "months", "年": "years", "台": "units", "％": "%"}


def quantity(value: Number | None, unit: str | None = "", locale: Any = None) -> str:
    """A figure with its unit: 30分, 1,200件, 45% / "30 min", "1,200 items". No space before a
    Japanese unit (or %), one space before an English one."""
    if value is None:
        return NONE
    figure = number(value, locale)
    unit = (unit or "").strip()
    if not unit:
        return figure
    if language(locale) == "en":
        unit = EN_UNITS.get(unit, unit)
    if unit == "%" or not unit[0].isascii():
        return f"{figure}{unit}"
    return f"{figure} {unit}"


FILTERS = {"date": date, "datetime": datetime, "days_left": days_left, "day_count": day_count,
           "year": year, "number": number, "score": score, "percent": percent, "people": people,
           "yen": yen, "yen_range": yen_range, "quantity": quantity, "file_size": file_size,
           "day_of_month": day_of_month}
# Text filters: an empty remark is left out rather than shown as "—".
TEXT_FILTERS = {"aside": aside, "label": label}
