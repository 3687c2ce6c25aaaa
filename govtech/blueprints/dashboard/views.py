"""The dashboard: the programme's numbers as charts and tables, and each table as CSV."""
from __future__ import annotations

import csv
import io
from functools import partial

from flask import Blueprint, Response, abort, render_template
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from govtech.blueprints.dashboard import figures
from govtech.blueprints.dashboard.tables import TABLES
from govtech.models.base import utcnow
from govtech.services import audit, dashboard, figure_cache

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@bp.get("/")
def index():
    scope = dashboard.scope_for(current_user)
    kept = [figure_cache.remember(scope, name, partial(build, scope))
            for name, build in TABLES.items()]
    tables = [table for table, _counted in kept]
    summary, counted = figure_cache.remember(scope, "summary", lambda: dashboard.summary(scope))
    key_figures = [(format_decimal(value), label) for value, label in (
        (summary.pairs, _("Pairs")), (summary.open, _("In progress")),
        (summary.adopted, _("Adopted")), (summary.published, _("Marketing published")))]
    return render_template(
        "dashboard/index.html", scope=scope, key_figures=key_figures,
        scope_label=_scope_label(scope, current_user.organisation),
        counted_at=min([counted, *(when for _table, when in kept)]),
        sections=[{"table": table, "chart": figures.chart(table)} for table in tables])


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
    built = TABLES[table](scope)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    rows = list(built.plain())
    writer.writerow(built.headers())
    writer.writerows(rows)
    audit.exported(current_user, f"dashboard:{table}", len(rows), scope=scope.kind)
    filename = f"govtech-dashboard-{table}-{utcnow():%Y%m%d}.csv"
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}",
                             "Cache-Control": "private, no-store"})
