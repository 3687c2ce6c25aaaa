"""The dashboard's tables: each figure of services.dashboard as labelled rows of raw values.

The page formats the values for the reader's language, the CSV export writes them plainly; both
start from the same Table, so the page and the file always show the same numbers.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from babel.dates import format_skeleton
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from govtech import formatting, labels, reference
from govtech.services import dashboard, dashboard_moves
from govtech.services.dashboard import Scope
from govtech.services.dashboard_period import Period

MIN_BASE = 5  # a share of fewer pairs than this (100 % of one pair) says nothing: not shown


@dataclass(frozen=True)
class Column:
    label: object  # a lazy string: translated when the table is shown or written
    kind: str = "int"  # text, int, percent (a ratio), days or month


@dataclass
class Table:
    key: str
    title: object
    description: object
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    by_period: bool = True  # counts only what happened in the chosen period
    quiet: set[tuple[int, int]] = field(default_factory=set)  # (row, column) the page leaves out

    @property
    def is_wide(self) -> bool:
        """Too many columns to sit beside its chart: the page puts it underneath."""
        return len(self.columns) > 4

    def headers(self) -> list[str]:
        return [str(column.label) for column in self.columns]

    def formatted(self) -> list[list[str]]:
        """The rows as the page shows them, in the current language."""
        return [[show(None if (r, c) in self.quiet else value, column.kind)
                 for c, (value, column) in enumerate(zip(row, self.columns, strict=True))]
                for r, row in enumerate(self.rows)]

    def plain(self) -> list[list]:
        """The rows as the CSV holds them: percentages as numbers (50.0), months as 2025-04."""
        return [[plain(value, column.kind) for value, column in zip(row, self.columns,
                                                                    strict=True)]
                for row in self.rows]


def show(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "percent":
        return formatting.percent(value)
    if kind in ("int", "days"):
        return formatting.number(value, decimals=1)
    if kind == "month":
        return format_skeleton("yMMM", value, locale=get_locale())  # 2025年4月 / Apr 2025
    return str(value)


def plain(value, kind: str):
    if value is None:
        return ""
    if kind == "percent":
        return round(value * 100, 1)
    if kind == "month" and isinstance(value, date):
        return value.strftime("%Y-%m")
    return value


def _funnel_label(key: str) -> str:
    return str(_l("Recommended")) if key == "recommended" else labels.stage_label(key)


def funnel(scope: Scope, period: Period) -> Table:
    steps = dashboard.funnel(scope, period)
    return Table("funnel", _l("Funnel: from recommendation to adoption"),
                 _l("Pairs that ever reached each step (a pair that moved on still counts for "
                    "the steps before), and the share of the previous step that got this far; "
                    "a share is shown when the previous step has at least five pairs."),
                 [Column(_l("Step"), "text"), Column(_l("Pairs")),
                  Column(_l("Conversion from the previous step (%)"), "percent")],
                 [[_funnel_label(s.key), s.count, s.rate] for s in steps],
                 quiet={(i, 2) for i in range(1, len(steps))
                        if steps[i - 1].count < MIN_BASE})


def moves(scope: Scope, period: Period) -> Table:
    def name(move: dashboard_moves.Move) -> str:
        if move.source is None:
            return str(_l("New pair (%(stage)s)", stage=labels.stage_label(move.target)))
        return f"{labels.stage_label(move.source)} → {labels.stage_label(move.target)}"
    return Table("moves", _l("Moves between stages"),
                 _l("Each stage move of a pair in the period, from its timeline; a new pair "
                    "counts in the stage it started in."),
                 [Column(_l("Move"), "text"), Column(_l("Pairs"))],
                 [[name(move), move.count]
                  for move in dashboard_moves.movements(scope, period).moves])


def stages(scope: Scope, period: Period) -> Table:
    return Table("stages", _l("Pairs by current stage"),
                 _l("Every pair in the stage it is in today, ended ones included."),
                 [Column(_l("Stage"), "text"), Column(_l("Pairs"))],
                 [[labels.stage_label(stage), n]
                  for stage, n in dashboard.current_by_stage(scope).items()], by_period=False)


def _groups(rows, name: Callable[[str], str]) -> list[list]:
    return [[name(row.key), row.pairs, row.open, row.adopted] for row in rows]


def _group_columns(first: object) -> list[Column]:
    return [Column(first, "text"), Column(_l("Pairs")), Column(_l("In progress")),
            Column(_l("Adopted"))]


def categories(scope: Scope, period: Period) -> Table:
    return Table("categories", _l("Pairs by category"),
                 _l("Pairs started in the period, by the categories of the challenge; a "
                    "challenge in two categories counts in both."),
                 _group_columns(_l("Category")),
                 _groups(dashboard.by_category(scope, period), reference.category_label))


def prefectures(scope: Scope, period: Period) -> Table:
    return Table("prefectures", _l("Pairs by prefecture"),
                 _l("Pairs started in the period, by the prefecture of the municipality that "
                    "posted the challenge."),
                 _group_columns(_l("Prefecture")),
                 _groups(dashboard.by_prefecture(scope, period),
                         lambda code: reference.prefecture_name(code) or str(_l("Unknown"))))


def durations(scope: Scope, period: Period) -> Table:
    return Table("durations", _l("Median days per stage"),
                 _l("From each pair's timeline; a pair's current stage counts up to today."),
                 [Column(_l("Stage"), "text"), Column(_l("Median days"), "days"),
                  Column(_l("Pairs measured"))],
                 [[labels.stage_label(row.stage), row.median_days, row.pairs]
                  for row in dashboard.median_days(scope)], by_period=False)


def reasons(scope: Scope, period: Period) -> Table:
    return Table("reasons", _l("Reasons for not adopting"),
                 _l("Pairs that ended not adopted in the period, by the reason recorded."),
                 [Column(_l("Reason"), "text"), Column(_l("Pairs"))],
                 [[labels.reason_label(reason), n]
                  for reason, n in dashboard.not_adopted_reasons(scope, period).items()])


def marketing(scope: Scope, period: Period) -> Table:
    kinds = list(labels.MARKETING_KINDS)
    return Table("marketing", _l("Published marketing per month"),
                 _l("Joint marketing activities published each month (Japan time), by kind."),
                 [Column(_l("Month"), "month"),
                  *[Column(labels.MARKETING_KINDS[kind]) for kind in kinds],
                  Column(_l("Total"))],
                 [[row.month, *[row.by_kind[kind] for kind in kinds], row.total]
                  for row in dashboard.marketing_by_month(scope, period)])


TABLES: dict[str, Callable[[Scope, Period], Table]] = {
    "moves": moves, "funnel": funnel, "stages": stages, "categories": categories,
    "prefectures": prefectures, "durations": durations, "reasons": reasons,
    "marketing": marketing,
}
