"""Public case studies (導入事例): published, public case-study activities and their KPIs.

This is the only window the public has on pilots: everything else about a pair stays private
(a 404 for anyone who is not a party or a manager).
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from govtech.extensions import db
from govtech.models import (
    Challenge,
    MarketingActivity,
    MarketingKind,
    MarketingState,
    Organisation,
    Pilot,
    PilotKPI,
)
from govtech.services.errors import NotFound


def _public() -> Select[tuple[MarketingActivity]]:
    return select(MarketingActivity).where(
        MarketingActivity.kind == MarketingKind.case_study,
        MarketingActivity.state == MarketingState.published,
        MarketingActivity.is_public.is_(True))


def list_query(q: str = "") -> Select[tuple[MarketingActivity]]:
    """Published public case studies matching `q` (title, challenge, either party), newest first."""
    query = _public().options(joinedload(MarketingActivity.pilot).joinedload(Pilot.challenge)
                              .joinedload(Challenge.organisation),
                              joinedload(MarketingActivity.pilot).joinedload(Pilot.startup))
    words = q.split()
    if words:
        municipality, startup = aliased(Organisation), aliased(Organisation)
        query = (query.join(MarketingActivity.pilot).join(Pilot.challenge)
                 .join(municipality, Challenge.organisation).join(startup, Pilot.startup))
        for word in words[:5]:
            query = query.where(or_(MarketingActivity.title.icontains(word, autoescape=True),
                                    Challenge.title.icontains(word, autoescape=True),
                                    municipality.name.icontains(word, autoescape=True),
                                    startup.name.icontains(word, autoescape=True)))
    return query.order_by(MarketingActivity.published_at.desc(), MarketingActivity.id.desc())


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(_public().subquery())) or 0


def get_public(case_id: int) -> MarketingActivity:
    """The case study if it is published and public; otherwise it does not exist."""
    case = db.session.scalar(_public().where(MarketingActivity.id == case_id))
    if case is None:
        raise NotFound(_("This case study does not exist."))
    return case


# --- the KPI chart: one group of three horizontal bars per KPI, drawn as inline SVG ------------

WIDTH, LABEL_W, BAR_W, BAR_H, GAP, HEAD = 360, 64, 210, 16, 5, 24
SERIES = ("baseline", "target", "actual")


def number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:,g}"
    return f"{text} {unit}".strip() if unit else text


def kpi_chart(kpis: list[PilotKPI]) -> dict | None:
    """Geometry for a small bar chart comparing baseline, target and actual per KPI.

    Each KPI has its own scale (their units differ), so bars compare within a KPI only. Returns
    None when no KPI has a value to draw.
    """
    names = {"baseline": _("Baseline"), "target": _("Target"), "actual": _("Actual")}
    groups: list[dict[str, Any]] = []
    y = 0
    for kpi in kpis:
        values = {key: getattr(kpi, key) for key in SERIES}
        top = max((abs(v) for v in values.values() if v is not None), default=0)
        bars = []
        for index, key in enumerate(SERIES):
            value = values[key]
            length = 0 if value is None or top == 0 else max(2, round(abs(value) / top * BAR_W))
            bar_y = y + HEAD + index * (BAR_H + GAP)
            bars.append({"key": key, "label": names[key], "y": bar_y, "width": length,
                         "text": number(value, kpi.unit), "text_x": LABEL_W + length + 6,
                         "text_y": bar_y + BAR_H - 3})
        groups.append({"name": kpi.name, "unit": kpi.unit, "y": y + 15, "bars": bars})
        y += HEAD + 3 * (BAR_H + GAP) + 14
    if not groups or all(b["width"] == 0 for g in groups for b in g["bars"]):
        return None
    return {"width": WIDTH, "height": y, "label_w": LABEL_W, "bar_h": BAR_H, "groups": groups,
            "legend": [names[key] for key in SERIES]}
