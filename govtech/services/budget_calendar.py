"""A town's budget calendar and its 少額随意契約 limits (issue 17, part 2).

One BudgetCalendar row per municipality, written on its first edit; until then the defaults
below apply. The limits follow 地方自治法施行令 第167条の2第1項第1号 and its 別表第五: a town
sets its own amounts by 規則, at most the national ceiling of its kind (都道府県・指定都市, or
other 市町村), never above it.

指定都市 are recognised by their 全国地方公共団体コード (DESIGNATED_CITIES, the 20 cities as of
2025). A prefecture is an organisation whose code has no municipal part (「pp0000」+check
digit). Any other municipality, and one without a code, is treated as a 市町村.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from govtech import formatting
from govtech.extensions import db
from govtech.models import Organisation, OrgKind, OrgState, User
from govtech.models.procurement import BudgetCalendar
from govtech.services import access, history, transaction
from govtech.services.errors import DomainError, NotFound

#: The categories of 別表第五, in its order.
CATEGORIES = ("construction", "purchase", "lease", "sale", "rental_out", "other")
#: The national ceilings in yen for 市町村, effective 2025-04-01.
MUNICIPAL_CEILINGS = {"construction": 2_000_000, "purchase": 1_500_000, "lease": 800_000,
                      "sale": 500_000, "rental_out": 300_000, "other": 1_000_000}
#: The national ceilings in yen for 都道府県 and 指定都市, effective 2025-04-01.
PREFECTURAL_CEILINGS = {"construction": 4_000_000, "purchase": 3_000_000, "lease": 1_500_000,
                        "sale": 1_000_000, "rental_out": 500_000, "other": 2_000_000}
CEILINGS_EFFECTIVE = date(2025, 4, 1)
#: 指定都市: the first five digits of their local-government codes.
DESIGNATED_CITIES = frozenset({
    "01100", "04100", "11100", "12100", "14100", "14130", "14150", "15100", "22100", "22130",
    "23100", "26100", "27100", "27140", "28100", "33100", "34100", "40100", "40130", "43100"})

CATEGORY_LABELS = {
    "construction": _l("Construction or manufacturing contracts"),
    "purchase": _l("Purchase of property"),
    "lease": _l("Leasing of goods"),
    "sale": _l("Sale of property"),
    "rental_out": _l("Lending of goods"),
    "other": _l("Anything else (commissioned work, services)"),
}
DEFAULT_SESSIONS = (6, 9, 12)
HISTORY = "budget_calendar"


def is_large(org: Organisation) -> bool:
    """A prefecture or a 指定都市: the higher ceilings of 別表第五 apply."""
    code = org.lg_code or ""
    return len(code) >= 5 and (code[2:5] == "000" or code[:5] in DESIGNATED_CITIES)


def ceilings(org: Organisation) -> dict[str, int]:
    return dict(PREFECTURAL_CEILINGS if is_large(org) else MUNICIPAL_CEILINGS)


@dataclass
class Calendar:
    """A town's effective calendar: its own values where it set them, else the defaults."""

    organisation: Organisation
    request_month: int = 10
    request_day: int = 31
    council_start_month: int = 2
    council_start_day: int = 20
    council_end_month: int = 3
    council_end_day: int = 20
    other_sessions: list[int] = field(default_factory=lambda: list(DEFAULT_SESSIONS))
    limits: dict[str, int] = field(default_factory=dict)
    ceilings: dict[str, int] = field(default_factory=dict)
    certifies_new_business: bool = False
    stored: bool = False  # the town has saved its own calendar
    version: int | None = None

    def request_deadline(self, year: int) -> date:
        """The request deadline in calendar year `year` (a 29 February falls back to the 28th)."""
        return _safe_date(year, self.request_month, self.request_day)

    def funding_deadline(self, fiscal_year: int) -> date:
        """The request that funds 年度 `fiscal_year` is made in the autumn before it."""
        return self.request_deadline(fiscal_year - 1)

    def council(self, fiscal_year: int) -> tuple[date, date]:
        """The session that passes the budget of 年度 `fiscal_year` (just before it begins)."""
        end = _safe_date(fiscal_year, self.council_end_month, self.council_end_day)
        start = _safe_date(fiscal_year, self.council_start_month, self.council_start_day)
        return (start if start <= end else start.replace(year=start.year - 1)), end

    def limit(self, category: str) -> int:
        return self.limits.get(category, self.ceilings[category])

    def rows(self) -> list[tuple[str, str, int, int]]:
        """(key, label, limit, ceiling) for each category, in the order of 別表第五."""
        return [(key, str(CATEGORY_LABELS[key]), self.limit(key), self.ceilings[key])
                for key in CATEGORIES]


def _safe_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:  # 29 February in a common year
        return date(year, month, 28)


def today() -> date:
    """Japanese calendar days (tests move it)."""
    return formatting.local_today()


def fiscal_year_of(day: date) -> int:
    """年度 starts on 1 April: January–March belong to the previous year's."""
    return day.year if day.month >= 4 else day.year - 1


def for_town(org: Organisation, row: BudgetCalendar | None = None,
             loaded: bool = False) -> Calendar:
    """The town's effective calendar (pass `row` with loaded=True when already read)."""
    if not loaded:
        row = db.session.get(BudgetCalendar, org.id)
    calendar = Calendar(organisation=org, ceilings=ceilings(org))
    if row is None:
        return calendar
    for name in ("request_month", "request_day", "council_start_month", "council_start_day",
                 "council_end_month", "council_end_day", "certifies_new_business"):
        setattr(calendar, name, getattr(row, name))
    calendar.other_sessions = list(row.other_sessions or [])
    calendar.limits = {k: int(v) for k, v in (row.limits or {}).items() if k in CATEGORIES}
    calendar.stored, calendar.version = True, row.version
    return calendar


def next_request_deadline(org: Organisation, after: date | None = None,
                          calendar: Calendar | None = None) -> date:
    """The first request deadline on or after `after` (today, Japanese time)."""
    after = after or today()
    calendar = calendar or for_town(org)
    deadline = calendar.request_deadline(after.year)
    return deadline if deadline >= after else calendar.request_deadline(after.year + 1)


# --- access ----------------------------------------------------------------------------------

def can_edit(user: User | None, org: Organisation) -> bool:
    """The town's own approved members (who post its challenges), and the programme office."""
    return access.manager_or_member_of(user, org.id)


def get_town(user: User | None, org_id: int | None) -> Organisation:
    """The municipality whose calendar this user may open: their own, any for managers."""
    if org_id is None:
        org_id = access.own_org_id(user)
    org = db.session.get(Organisation, org_id) if org_id is not None else None
    if org is None or org.kind != OrgKind.municipality:
        raise NotFound(_("This municipality does not exist."))
    access.require(can_edit(user, org),
                   _("Only the municipality itself can open its budget calendar."))
    return org


# --- checks and saving -----------------------------------------------------------------------

def _check_day(month: int | None, day: int | None, field_name: str) -> None:
    if month is None or day is None or not 1 <= month <= 12:
        raise DomainError(_("Choose a month from 1 to 12."), field=field_name)
    if not 1 <= day <= 31:
        raise DomainError(_("Choose a day from 1 to 31."), field=field_name)
    try:
        date(2024, month, day)  # a leap year: 29 February is a valid day
    except ValueError:
        raise DomainError(_("This day does not exist in that month."), field=field_name) from None


def _check_limits(org: Organisation, limits: dict[str, int | None]) -> dict[str, int]:
    """The town's own limits: only the categories of 別表第五, each 0..the national ceiling."""
    ceiling = ceilings(org)
    kept = {}
    for key, value in limits.items():
        if key not in CATEGORIES:
            raise DomainError(_("Unknown category: %(name)s", name=key), field="limits")
        if value is None:
            continue  # the national ceiling applies
        if value < 0:
            raise DomainError(_("A limit cannot be negative."), field=f"limit_{key}")
        if value > ceiling[key]:
            raise DomainError(_("A town may not set a limit above the national ceiling of "
                                "%(amount)s.", amount=formatting.yen(ceiling[key])),
                              field=f"limit_{key}")
        kept[key] = int(value)
    return kept


def _check_sessions(months: list[int]) -> list[int]:
    if any(not 1 <= month <= 12 for month in months):
        raise DomainError(_("Choose a month from 1 to 12."), field="other_sessions")
    return sorted(set(months))


_STALE = _l("Someone else saved this calendar while you were editing. Your values are still in "
            "the form; compare them with the current ones before saving again.")


@transaction.unit_of_work(_STALE)
def update(actor: User, org: Organisation, *, expected_version: int | None = None,
           **values) -> BudgetCalendar:
    """Save the town's calendar (creating its row on the first edit), with a history event."""
    access.require(can_edit(actor, org) and org.kind == OrgKind.municipality,
                   _("Only the municipality itself can change its budget calendar."))
    for prefix in ("request", "council_start", "council_end"):
        _check_day(values.get(f"{prefix}_month"), values.get(f"{prefix}_day"),
                   f"{prefix}_month")
    sessions = _check_sessions(list(values.get("other_sessions") or []))
    limits = _check_limits(org, dict(values.get("limits") or {}))
    row = db.session.get(BudgetCalendar, org.id)
    if row is None:
        row = BudgetCalendar(organisation_id=org.id)
        db.session.add(row)
    elif expected_version is not None:
        transaction.check_version(row, expected_version)
    for prefix in ("request", "council_start", "council_end"):
        setattr(row, f"{prefix}_month", values[f"{prefix}_month"])
        setattr(row, f"{prefix}_day", values[f"{prefix}_day"])
    row.other_sessions, row.limits = sessions, limits
    row.certifies_new_business = bool(values.get("certifies_new_business"))
    db.session.flush()
    history.record(HISTORY, org.id, actor, None, "saved",
                   _("Budget request deadline %(month)s/%(day)s", month=row.request_month,
                     day=row.request_day))
    return row


def timeline(user: User | None, org: Organisation) -> list:
    return history.timeline(HISTORY, org.id) if can_edit(user, org) else []


def towns_query(q: str = "") -> Select[tuple[Organisation]]:
    """The approved municipalities, by name, for the programme office's choice of a town."""
    query = select(Organisation).where(Organisation.kind == OrgKind.municipality,
                                       Organisation.state == OrgState.approved)
    if q.strip():
        query = query.where(Organisation.name.contains(q.strip(), autoescape=True))
    return query.order_by(Organisation.name, Organisation.id)
