"""The dashboard: the programme's numbers as charts and tables, and each table as CSV."""
from __future__ import annotations

import csv
import io
from functools import partial

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech import formatting
from govtech.blueprints.dashboard import figures
from govtech.blueprints.dashboard.tables import TABLES
from govtech.models.base import utcnow
from govtech.services import (
    audit,
    dashboard,
    dashboard_moves,
    dashboard_pairs,
    dashboard_period,
    figure_cache,
    pipeline_status,
)

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@bp.get("/")
def index():
    scope = dashboard.scope_for(current_user)
    period, understood = dashboard_period.period(request.args.get("period"))
    cache_key = f"{period.key}:{period.start}"
    kept = [figure_cache.remember(scope, name, partial(build, scope, period), cache_key)
            for name, build in TABLES.items()]
    tables = [table for table, _counted in kept]
    summary, counted = figure_cache.remember(
        scope, "summary", partial(dashboard.summary, scope, period), cache_key)
    key_figures = [(formatting.number(value), label) for value, label in (
        (summary.pairs, _("New pairs")), (summary.open, _("In progress now")),
        (summary.adopted, _("Adoptions")), (summary.published, _("Marketing published")))]
    top: dict = {}
    if scope.kind == "programme":
        key_figures = [key_figures[1], key_figures[3]]  # the others open the page, as moves
        top["stuck"] = dashboard_pairs.stuck_pairs(scope)
        moves, _counted = figure_cache.remember(
            scope, "movements", partial(dashboard_moves.movements, scope, period), cache_key)
        top["moves"] = [(formatting.number(value), label) for value, label in (
            (moves.new_pairs, _("New pairs")), (moves.moved, _("Stage moves")),
            (moves.adopted, _("Adoptions")), (moves.ended, _("Ended without adoption")))]
    else:
        top["pairs"] = dashboard_pairs.own_pairs(scope)
        top["dates"] = dashboard_pairs.next_dates(scope)
    return render_template(
        "dashboard/index.html", scope=scope, key_figures=key_figures, top=top,
        period=period, period_understood=understood, periods=_period_links(period.key),
        side_label=pipeline_status.side_label,
        scope_label=_scope_label(scope, current_user.organisation),
        counted_at=min([counted, *(when for _table, when in kept)]),
        sections=[{"table": table, "chart": figures.chart(table)} for table in tables])


def _period_links(current: str) -> list[dict]:
    return [{"url": url_for("dashboard.index", period=key), "label": str(label),
             "current": key == current} for key, label in dashboard_period.PERIODS.items()]


def _scope_label(scope: dashboard.Scope, organisation) -> str:
    """Whose pairs the figures count, in words."""
    if scope.kind == "programme":
        return _("The whole programme")
    if scope.kind == "municipality":
        return _("Pairs of %(org)s's challenges", org=organisation.name)
    return _("Pairs of %(org)s", org=organisation.name)


@bp.get("/export/<table>.csv")
def export(table: str):
    """One table as CSV: UTF-8 with a byte-order mark, so Excel opens Japanese intact."""
    scope = dashboard.scope_for(current_user)
    if table not in TABLES:
        abort(404)
    period, _understood = dashboard_period.period(request.args.get("period", "all"))
    built = TABLES[table](scope, period)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    rows = list(built.plain())
    writer.writerow(built.headers())
    writer.writerows(rows)
    audit.exported(current_user, f"dashboard:{table}", len(rows), scope=scope.kind)
    filename = f"govtech-dashboard-{table}-{period.key}-{utcnow():%Y%m%d}.csv"
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}",
                             "Cache-Control": "private, no-store"})
