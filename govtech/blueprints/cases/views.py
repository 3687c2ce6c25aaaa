"""Public case studies: what pairs achieved, with their measured KPIs, open to everyone."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from govtech.extensions import db
from govtech.services import cases
from govtech.text import render_markdown

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.get("/")
def list_cases():
    q = (request.args.get("q") or "").strip()[:200]
    page = db.paginate(cases.list_query(q), per_page=12, error_out=False)
    args = {k: v for k, v in request.args.items() if k not in ("page", "lang") and v}
    return render_template("cases/list.html", page=page, q=q, args=args)


@bp.get("/<int:case_id>")
def show_case(case_id: int):
    case = cases.get_public(case_id)
    kpis = case.pilot.kpis
    return render_template("cases/show.html", case=case, pilot=case.pilot,
                           body=render_markdown(case.body), chart=cases.kpi_chart(kpis),
                           kpis=[{"name": k.name, "unit": k.unit,
                                  "baseline": cases.number(k.baseline),
                                  "target": cases.number(k.target),
                                  "actual": cases.number(k.actual)} for k in kpis])
