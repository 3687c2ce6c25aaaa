"""Dashboard figures: the dashboard page's numbers (services.dashboard*, scoped as the page by
services.dashboard.scope_for, with the page's periods), and each table's rows as the CSV export
writes them (blueprints.dashboard.tables, the one definition of the tables)."""
from __future__ import annotations

from datetime import datetime
from functools import partial

from flask import Response
from flask_babel import gettext as _
from flask_login import current_user

from govtech.api.declare import ok, operation
from govtech.api.problems import Problem
from govtech.api.schemas_dashboard import (
    ColumnOut,
    DashboardOut,
    DashboardQuery,
    MovementsOut,
    PeriodOut,
    ScopeOut,
    SummaryOut,
    TableOut,
    TableQuery,
)
from govtech.blueprints.dashboard.tables import TABLES, Table
from govtech.services import audit, dashboard, dashboard_moves, dashboard_period, figure_cache

TAG = "dashboard"


def table_out(table: Table) -> TableOut:
    return TableOut(
        key=table.key, title=str(table.title), description=str(table.description),
        by_period=table.by_period,
        columns=[ColumnOut(label=str(c.label), kind=c.kind)  # type: ignore[arg-type]
                 for c in table.columns],
        rows=[[None if value == "" else value for value in row] for row in table.plain()])


def _micros(moment: datetime) -> int:
    return int(moment.replace(tzinfo=None).timestamp() * 1_000_000)


@operation("GET", "/dashboard", tag=TAG, query=DashboardQuery, response=DashboardOut,
           mirrors=("dashboard.index",))
def get_dashboard(query: DashboardQuery) -> Response:
    """Dashboard figures

    The dashboard page's figures with the same definitions: managers count the whole programme,
    members their organisation's pairs. `period` as the page's period links.
    """
    scope = dashboard.scope_for(current_user)
    period, _understood = dashboard_period.period(query.period)
    cache_key = f"{period.key}:{period.start}"
    kept = [figure_cache.remember(scope, name, partial(build, scope, period), cache_key)
            for name, build in TABLES.items()]
    summary, counted = figure_cache.remember(
        scope, "summary", partial(dashboard.summary, scope, period), cache_key)
    movements = None
    if scope.kind == "programme":
        moves, _counted = figure_cache.remember(
            scope, "movements", partial(dashboard_moves.movements, scope, period), cache_key)
        movements = MovementsOut(new_pairs=moves.new_pairs, moved=moves.moved,
                                 adopted=moves.adopted, ended=moves.ended)
    counted_at = min([counted, *(when for _table, when in kept)])
    return ok(DashboardOut(
        scope=ScopeOut(kind=scope.kind, organisation_id=scope.org_id),  # type: ignore[arg-type]
        period=PeriodOut(key=period.key, start=period.start,  # type: ignore[arg-type]
                         end=period.end, label=period.label()),
        updated_at=counted_at, version=_micros(counted_at),
        summary=SummaryOut(pairs=summary.pairs, open=summary.open, adopted=summary.adopted,
                           published=summary.published),
        movements=movements, tables=[table_out(table) for table, _when in kept]))


@operation("GET", "/dashboard/tables/<table>", tag=TAG, query=TableQuery, response=TableOut,
           mirrors=("dashboard.export",))
def get_dashboard_table(table: str, query: TableQuery) -> Response:
    """One dashboard table

    The rows of the table's CSV export (`/dashboard/export/<table>.csv`) as JSON, for BI tools:
    `moves`, `funnel`, `stages`, `categories`, `prefectures`, `durations`, `reasons`,
    `marketing`. Recorded in the audit log as the CSV export is.
    """
    scope = dashboard.scope_for(current_user)
    if table not in TABLES:
        raise Problem(404, "not_found", _("There is no such table."))
    period, _understood = dashboard_period.period(query.period)
    built = TABLES[table](scope, period)
    audit.exported(current_user, f"api:dashboard:{table}", len(built.rows), scope=scope.kind)
    return ok(table_out(built))
