"""The public face: the programme's front page and the health check."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from govtech import i18n
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


def safe_next(target: str | None, default: str) -> str:
    """Only follow a `next` that stays on this site (a path, not another host)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") \
                and not target.startswith("//") and "\\" not in target:
            return target
    return default


@bp.post("/language")
def set_language():
    """The header's language switch: remembered for the browser and the signed-in user."""
    lang = request.form.get("lang", "")
    if FlaskForm().validate_on_submit() and lang in current_app.config["LANGUAGES"]:
        i18n.remember(lang)
    return redirect(safe_next(request.form.get("next"), url_for("public.index")))
