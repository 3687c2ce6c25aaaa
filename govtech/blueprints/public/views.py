"""The public face: the programme's front page and the health check."""
from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import text

from govtech.extensions import db
from govtech.services import programme

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    return render_template("public/index.html", counts=programme.public_counts())


@bp.get("/health")
def health():
    """For load balancers: the process answers and the database is reachable."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
