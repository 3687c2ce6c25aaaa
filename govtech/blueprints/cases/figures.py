"""A case study's KPIs as the public page shows them: a table of formatted values and a chart
drawn by govtech.charts (each KPI on its own scale, their units differ)."""
from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from markupsafe import Markup

from govtech import charts
from govtech.models import PilotKPI

SERIES = ("baseline", "target", "actual")


def number(value: float | None, unit: str = "") -> str:
    """`1,234 件`; a dash when nothing was measured."""
    if value is None:
        return "—"
    text = f"{value:,g}"
    return f"{text} {unit}".strip() if unit else text


def rows(kpis: Sequence[PilotKPI]) -> list[dict]:
    """The table: each KPI's values, formatted (the unit has its own column)."""
    return [{"name": k.name, "unit": k.unit, **{key: number(getattr(k, key)) for key in SERIES}}
            for k in kpis]


def kpi_chart(kpis: Sequence[PilotKPI]) -> Markup | None:
    """Baseline, target and actual per KPI; None when no KPI has a value to draw."""
    if not any(getattr(k, key) for k in kpis for key in SERIES):
        return None
    names = {"baseline": _("Baseline"), "target": _("Target"), "actual": _("Actual")}
    groups = [charts.Group(f"{k.name} ({k.unit})" if k.unit else k.name,
                           [getattr(k, key) for key in SERIES],
                           [number(getattr(k, key), k.unit) for key in SERIES]) for k in kpis]
    return charts.group_chart(_("Baseline, target and actual value of each KPI"),
                              [(key, names[key]) for key in SERIES], groups, css="kpi-bar")
