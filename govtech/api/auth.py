"""Who is calling the API: a personal access token, or nobody (public data only).

`authenticate_request` runs before every request under /api/, before the policy table's check
(govtech.permissions.enforce), so a token's user passes exactly the checks a signed-in user
would. The token's user is set as Flask-Login's user for this request only (`g._login_user`):
no session, no cookie. The browser's session cookie is never read on the API: without a token
the caller is anonymous, and a change (any method but GET/HEAD/OPTIONS) without a token is
refused with 401 — a cookie alone never writes (no cross-site request forgery).

Scopes: "read" for GET/HEAD/OPTIONS, "write" for the others (403 insufficient_scope).
Rate limits (the app's Flask-Limiter storage): API_RATE_LIMIT_TOKEN per token,
API_RATE_LIMIT_ANONYMOUS per client address without a (valid) token; 429 with Retry-After.
"""
from __future__ import annotations

import math
import time

from flask import current_app, g, request, session
from flask_babel import gettext as _
from limits import parse

from govtech.api.problems import API_PREFIX, Problem
from govtech.extensions import limiter, login_manager
from govtech.models.api_token import READ, WRITE, ApiToken
from govtech.services import api_tokens, two_step

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def needed_scope() -> str:
    return READ if request.method in SAFE_METHODS else WRITE


def current_token() -> ApiToken | None:
    return g.get("api_token")


def _language() -> None:
    """Problem titles and messages follow Accept-Language (ja by default), or ?lang=; the
    reference page, read by people, also keeps the language chosen with the header's switch."""
    if not g.get("lang"):
        languages = current_app.config["LANGUAGES"]
        chosen = session.get("lang") if request.endpoint == "api.reference" else None
        g.lang = (chosen if chosen in languages
                  else request.accept_languages.best_match(languages) or languages[0])


def _rate_limit(key: str, setting: str) -> None:
    if not limiter.enabled or not current_app.config.get("API_RATE_LIMIT_ENABLED", True):
        return
    item = parse(current_app.config[setting])
    strategy = limiter.limiter
    if strategy.hit(item, "api", key):
        return
    reset = strategy.get_window_stats(item, "api", key).reset_time
    wait = max(1, math.ceil(reset - time.time()))
    raise Problem(429, "rate_limited", _("Too many requests. Try again in %(seconds)d seconds.",
                                         seconds=wait),
                  headers={"Retry-After": str(wait)})


def _bearer(header: str) -> str:
    scheme, _sep, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip() or not secret.isascii():
        raise Problem(401, "invalid_header",
                      _("Send the token as: Authorization: Bearer <token>."),
                      headers={"WWW-Authenticate": 'Bearer realm="api"'})
    return secret.strip()


def authenticate_request() -> None:
    """before_request for /api/: the token's user for this request, or anonymous."""
    if not request.path.startswith(API_PREFIX):
        return
    _language()
    g._login_user = login_manager.anonymous_user()  # the session cookie is never read here
    g.api_token = None
    header = request.headers.get("Authorization")
    if header is None:
        _rate_limit(f"ip:{request.remote_addr}", "API_RATE_LIMIT_ANONYMOUS")
        # an address that matches no operation answers 404/405 as it would with a token
        if request.method not in SAFE_METHODS and request.routing_exception is None:
            raise Problem(401, "token_required",
                          _("Changes through the API need a personal access token with the "
                            "write scope; a signed-in browser session is not accepted."),
                          headers={"WWW-Authenticate": 'Bearer realm="api"'})
        return
    secret = _bearer(header)
    token = api_tokens.authenticate(secret)
    if token is None:
        _rate_limit(f"ip:{request.remote_addr}", "API_RATE_LIMIT_ANONYMOUS")
        raise Problem(401, "invalid_token",
                      _("The token is unknown, expired or revoked."),
                      headers={"WWW-Authenticate": 'Bearer realm="api", error="invalid_token"'})
    _rate_limit(f"token:{token.id}", "API_RATE_LIMIT_TOKEN")
    if not token.allows(needed_scope()):
        raise Problem(403, "insufficient_scope",
                      _("This token may only read. Create a token with the write scope."),
                      headers={"WWW-Authenticate":
                               'Bearer realm="api", error="insufficient_scope", scope="write"'})
    g._login_user = token.user
    g.api_token = token
    if two_step.must_enrol(token.user):
        raise Problem(403, "two_step_required",
                      _("Set up two-step sign-in on the website before using the API."))
