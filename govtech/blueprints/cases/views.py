"""Public case studies: what pairs achieved, with their measured KPIs, open to everyone."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from govtech.blueprints import pages
from govtech.blueprints.cases import figures
from govtech.services import cases
from govtech.text import render_markdown

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.get("/")
def list_cases():
    q = (request.args.get("q") or "").strip()[:200]
    page = pages.list_page(cases.list_query(q), per_page=12)
    return render_template("cases/list.html", page=page, q=q, args=pages.list_args())


@bp.get("/<int:case_id>")
def show_case(case_id: int):
    case = cases.get_public(case_id)
    approved = case.kpi_snapshot or []  # the figures the three sides approved, never live ones
    return render_template("cases/show.html", case=case, pilot=case.pilot,
                           body=render_markdown(case.body), chart=figures.kpi_chart(approved),
                           kpis=figures.rows(approved))
