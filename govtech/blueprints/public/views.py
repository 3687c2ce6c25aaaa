"""The public face: the programme's front page, the accessibility policy and the health check."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from govtech import i18n
from govtech.blueprints.public import accessibility as statement
from govtech.services import figure_cache, programme, transaction
from govtech.services.dashboard import Scope

bp = Blueprint("public", __name__)
PROGRAMME = Scope("programme")  # the front page's counts are the whole programme's, kept a while


@bp.get("/")
def index():
    counts, _counted = figure_cache.remember(PROGRAMME, "public_counts", programme.public_counts)
    return render_template("public/index.html", counts=counts)


@bp.get("/accessibility")
def accessibility():
    """The accessibility policy (アクセシビリティ方針) with its results table."""
    return render_template("public/accessibility.html", rows=statement.rows(),
                           counts=statement.counts(), checked_on=statement.CHECKED_ON)


@bp.get("/health")
def health():
    """For load balancers and orchestrators: the process answers and the database is reachable
    (else 503: take this worker out). Redis, when configured, is reported but does not fail the
    check: without it pages still serve (rate limits fall back to each worker's memory), and a
    Redis outage must not take every worker out of rotation at once."""
    body = {"status": "ok", "database": "ok"}
    if current_app.config.get("REDIS_URL"):
        body["redis"] = "ok" if redis_reachable(current_app.config["REDIS_URL"]) else "unreachable"
        if body["redis"] != "ok":
            body["status"] = "degraded"
    if not transaction.database_reachable():
        body.update(status="error", database="unreachable")
        return body, 503
    return body


_redis_clients: dict[str, Any] = {}


def redis_reachable(url: str) -> bool:
    """A PING answered within a second (one client per process and URL, its pool reused)."""
    from redis import Redis
    from redis.exceptions import RedisError

    client = _redis_clients.get(url)
    if client is None:
        client = _redis_clients[url] = Redis.from_url(url, socket_connect_timeout=1,
                                                      socket_timeout=1)
    try:
        return bool(client.ping())
    except (RedisError, OSError):
        return False


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
