"""A case study's KPIs as the public page shows them: a table of formatted values and a chart
drawn by govtech.charts (each KPI on its own scale, their units differ).

The figures are the case study's approved snapshot (plain dicts); a pilot's KPI records are
accepted too (the pair's own pages). A value that is not a finite number (an inf stored before
the forms refused it) is shown and drawn as not measured."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from flask_babel import gettext as _
from markupsafe import Markup

from govtech import charts, formatting
from govtech.models import PilotKPI

SERIES = ("baseline", "target", "actual")
Figures = Mapping | PilotKPI


def _get(kpi: Figures, key: str):
    return kpi.get(key) if isinstance(kpi, Mapping) else getattr(kpi, key)


def value(kpi: Figures, key: str) -> float | None:
    """A figure to show or draw: None when nothing (or nothing finite) was measured."""
    raw = _get(kpi, key)
    return float(raw) if isinstance(raw, int | float) and math.isfinite(raw) else None


def number(value: float | None, unit: str = "") -> str:
    """`1,234件`, `30 min` (govtech.formatting.quantity); a dash when nothing was measured."""
    if value is None or not math.isfinite(value):
        return "—"
    return formatting.quantity(value, unit)


def rows(kpis: Sequence[Figures]) -> list[dict]:
    """The table: each KPI's values, formatted (the unit has its own column)."""
    return [{"name": _get(k, "name"), "unit": _get(k, "unit") or "",
             **{key: number(value(k, key)) for key in SERIES}} for k in kpis]


def kpi_chart(kpis: Sequence[Figures]) -> Markup | None:
    """Baseline, target and actual per KPI; None when no KPI has a value to draw."""
    if not any(value(k, key) for k in kpis for key in SERIES):
        return None
    names = {"baseline": _("Baseline"), "target": _("Target"), "actual": _("Actual")}
    groups = []
    for k in kpis:
        name, unit = _get(k, "name"), _get(k, "unit") or ""
        groups.append(charts.Group(_("%(name)s (%(unit)s)", name=name, unit=unit) if unit else name,
                                   [value(k, key) for key in SERIES],
                                   [number(value(k, key), unit) for key in SERIES]))
    return charts.group_chart(_("Baseline, target and actual value of each KPI"),
                              [(key, names[key]) for key in SERIES], groups, css="kpi-bar")
