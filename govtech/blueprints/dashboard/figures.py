"""One chart per dashboard table, drawn from the table's own rows so both show the same numbers."""
from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _
from markupsafe import Markup

from govtech import charts, formatting
from govtech.blueprints.dashboard.tables import Table

MONTHS_CHARTED = 12  # the table lists every month; the chart shows the latest year


def _bars(table: Table, value_column: int = 1) -> list[charts.Bar]:
    shown = table.formatted()
    return [charts.Bar(str(row[0]), row[value_column] or 0, shown[i][value_column])
            for i, row in enumerate(table.rows)]


def funnel(table: Table) -> Markup:
    shown = table.formatted()
    bars = [charts.Bar(row[0], row[1], shown[i][1] if row[2] is None or (i, 2) in table.quiet
                       else f"{shown[i][1]} · {shown[i][2]}")
            for i, row in enumerate(table.rows)]
    return charts.funnel_chart(str(table.title), bars, empty=_("No pairs yet"))


def marketing(table: Table) -> Markup:
    rows = table.rows[-MONTHS_CHARTED:]
    series = [charts.Series(str(column.label), [row[i] for row in rows])
              for i, column in enumerate(table.columns[1:-1], start=1)]
    return charts.column_chart(str(table.title), [format_date(row[0], "MMM") for row in rows],
                               series, value_text=lambda v: formatting.number(v),
                               empty=_("Nothing published yet"))


def chart(table: Table) -> Markup:
    """The chart for a table: a funnel, columns per month, or ranked horizontal bars."""
    if table.key == "funnel":
        return funnel(table)
    if table.key == "marketing":
        return marketing(table)
    return charts.hbar_chart(str(table.title), _bars(table), empty=_("No pairs yet"))
