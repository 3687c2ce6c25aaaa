"""The public face: the programme's front page and the health check."""
from __future__ import annotations

from flask import Blueprint, render_template

from govtech.services import programme, transaction

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    return render_template("public/index.html", counts=programme.public_counts())


@bp.get("/health")
def health():
    """For load balancers: the process answers and the database is reachable."""
    if not transaction.database_reachable():
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
