"""Models of the dashboard endpoints: the dashboard page's figures and its tables' rows (the
same rows as the CSV export)."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from govtech.api.schemas_common import Out, Query, Timestamp

PeriodKey = Literal["month", "last_month", "quarter", "fiscal_year", "all"]
Cell = str | int | float | None


class DashboardQuery(Query):
    period: PeriodKey = Field("month", description="The period counted: this month (default, "
                                                   "as the page), last month, this quarter, "
                                                   "this fiscal year (April–March) or all time.")


class TableQuery(Query):
    period: PeriodKey = Field("all", description="The period counted (default all time, as the "
                                                 "CSV export).")


class ScopeOut(Out):
    kind: Literal["programme", "municipality", "startup"] = Field(
        description="Whose pairs are counted: the whole programme (managers), or the caller's "
                    "organisation's.")
    organisation_id: int | None = Field(description="The organisation counted (null for the "
                                                    "programme).")


class PeriodOut(Out):
    key: PeriodKey = Field(description="The period.")
    start: date | None = Field(description="Its first day (Japan time); null for all time.")
    end: date | None = Field(description="The day after its last day; null for all time.")
    label: str = Field(description="The period in words (Accept-Language).",
                       examples=["2026年12月"])


class SummaryOut(Out):
    pairs: int = Field(description="Pairs started in the period.")
    open: int = Field(description="Pairs in progress now.")
    adopted: int = Field(description="Pairs adopted in the period.")
    published: int = Field(description="Marketing activities published in the period.")


class MovementsOut(Out):
    """The programme's moves in the period (managers only)."""

    new_pairs: int = Field(description="Pairs created.")
    moved: int = Field(description="Stage moves (new pairs not included).")
    adopted: int = Field(description="Moves into adopted.")
    ended: int = Field(description="Moves into not adopted or withdrawn.")


class ColumnOut(Out):
    label: str = Field(description="The column's heading (Accept-Language).")
    kind: Literal["text", "int", "percent", "days", "month"] = Field(
        description="text; int (a count); percent (0–100, one decimal, as in the CSV); days "
                    "(a median, one decimal); month (YYYY-MM, Japan time).")


class TableOut(Out):
    """One table of the dashboard: the rows of its CSV export, with typed cells."""

    key: str = Field(description="The table's key (also its CSV's name).", examples=["funnel"])
    title: str = Field(description="Its title (Accept-Language).")
    description: str = Field(description="What it counts, and how.")
    by_period: bool = Field(description="Whether it counts only the period (else today's "
                                        "state or all time).")
    columns: list[ColumnOut] = Field(description="Its columns.")
    rows: list[list[Cell]] = Field(description="Its rows, one value per column; null where "
                                               "the CSV cell is empty.")


class DashboardOut(Out):
    """The dashboard's figures for the caller's scope and the period, as the page counts them."""

    scope: ScopeOut
    period: PeriodOut
    updated_at: Timestamp = Field(description="When the figures were counted (the page keeps "
                                              "the programme's figures a few minutes).")
    version: int = Field(description="Derived from `updated_at`.")
    summary: SummaryOut
    movements: MovementsOut | None = Field(description="For the programme scope only.")
    tables: list[TableOut] = Field(description="Every table of the page.")
