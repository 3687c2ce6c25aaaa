"""RFC 9457 problem documents: every error under /api/v1 is `application/problem+json`.

    {"type": "https://host/api/v1/problems/not_found", "title": "見つかりません", "status": 404,
     "detail": "…", "code": "not_found", "errors": [{"field": "title", "message": "…"}]}

`title` is translated (Accept-Language, ja by default); `code` is for machines and never
changes. Endpoints raise `Problem(status, code, detail, errors=…)`; HTTP errors, the services'
DomainError family and unexpected exceptions are turned into problems by `init_app`'s handlers
for requests under /api/ (pages keep their HTML error pages).
"""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, current_app, json, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from govtech.services import transaction
from govtech.services.errors import (
    ConcurrentChange,
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)

PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/"
log = logging.getLogger(__name__)

# code → (status, title); titles are translated when the problem is built
CODES: dict[str, int] = {
    "bad_request": 400, "invalid_parameter": 400, "invalid_json": 400, "invalid_header": 400,
    # bandit B105 below: problem codes that name tokens, not secrets
    "unauthorized": 401, "invalid_token": 401, "token_required": 401,  # nosec B105
    "forbidden": 403, "insufficient_scope": 403, "pending_approval": 403,
    "two_step_required": 403,
    "not_found": 404, "method_not_allowed": 405, "not_acceptable": 406,
    "conflict": 409, "invalid_transition": 409,
    "precondition_failed": 412, "payload_too_large": 413, "unsupported_media_type": 415,
    "validation_failed": 422, "precondition_required": 428, "rate_limited": 429,
    "internal_error": 500,
}
STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 406: "not_acceptable", 409: "conflict",
                412: "precondition_failed", 413: "payload_too_large",
                415: "unsupported_media_type", 422: "validation_failed",
                428: "precondition_required", 429: "rate_limited", 500: "internal_error"}


def titles() -> dict[int, str]:
    return {
        400: _("Bad request"), 401: _("Authentication required"), 403: _("Not allowed"),
        404: _("Not found"), 405: _("Method not allowed"), 406: _("Not acceptable"),
        409: _("Conflict"), 412: _("Precondition failed"), 413: _("Too large"),
        415: _("Unsupported media type"), 422: _("Validation failed"),
        428: _("Precondition required"), 429: _("Too many requests"),
        500: _("Something went wrong"),
    }


class Problem(Exception):
    """Raise from an endpoint (or a helper) to answer with a problem document."""

    def __init__(self, status: int, code: str | None = None, detail: str | None = None, *,
                 errors: list[dict[str, str]] | None = None,
                 headers: dict[str, str] | None = None, **extra: Any):
        super().__init__(detail or code or str(status))
        self.status = status
        self.code = code or STATUS_CODES.get(status, "error")
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def type_url(code: str) -> str:
    return url_for("api.problem_type", code=code, _external=True)


def response(problem: Problem) -> Response:
    body: dict[str, Any] = {
        "type": type_url(problem.code),
        "title": titles().get(problem.status, _("Error")),
        "status": problem.status,
        "detail": problem.detail or titles().get(problem.status, ""),
        "code": problem.code,
    }
    if problem.errors is not None:
        body["errors"] = problem.errors
    body.update(problem.extra)
    result = current_app.response_class(json.dumps(body, ensure_ascii=False),
                                        status=problem.status, mimetype=PROBLEM_JSON)
    for name, value in problem.headers.items():
        result.headers[name] = value
    result.headers["Cache-Control"] = "no-store"
    return result


def from_http(error: HTTPException) -> Problem:
    status = error.code or 500
    code = STATUS_CODES.get(status, "bad_request" if status < 500 else "internal_error")
    detail = None
    if error.description and error.description != type(error).description:
        detail = str(error.description)  # our own (translated) text, not werkzeug's English
    if status == 403 and detail == "pending":
        code, detail = "pending_approval", _(
            "Your organisation is waiting for approval by the programme office.")
    headers = {}
    allowed = getattr(error, "valid_methods", None)
    if status == 405 and allowed:
        headers["Allow"] = ", ".join(allowed)
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return Problem(status, code, detail, headers=headers)


def from_domain(error: DomainError) -> Problem:
    """A service's refusal: its message is already translated for the user."""
    if isinstance(error, ConcurrentChange):
        status = 412 if request.headers.get("If-Match") else 409
        return Problem(status, "precondition_failed" if status == 412 else "conflict",
                       error.message)
    if isinstance(error, InvalidTransition):
        return Problem(409, "invalid_transition", error.message)
    if isinstance(error, NotFound):
        return Problem(404, "not_found", error.message)
    if isinstance(error, PermissionDenied):
        return Problem(403, "forbidden", error.message)
    if error.status == 409:
        return Problem(409, "conflict", error.message)
    return Problem(422, "validation_failed", error.message,
                   errors=[{"field": error.field or "", "message": error.message}])


def init_app(app: Flask) -> None:
    """Wrap the app's error handlers: under /api/ they answer with problems, elsewhere the
    pages' handlers (govtech.errors) answer as before."""
    spec = app.error_handler_spec.setdefault(None, {}).setdefault(None, {})
    page_http = spec.get(HTTPException)
    page_domain = spec.get(DomainError)
    page_unexpected = spec.get(Exception)

    @app.errorhandler(Problem)
    def problem(error: Problem):
        transaction.abandon()
        return response(error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if is_api_request():
            return response(from_http(error))
        return page_http(error) if page_http else error

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        if is_api_request():
            return response(from_domain(error))
        if page_domain is None:
            raise error
        return page_domain(error)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if is_api_request():
            transaction.abandon()
            log.exception("Unhandled error on %s", request.path)
            return response(Problem(500, "internal_error"))
        if page_unexpected is None:
            raise error
        return page_unexpected(error)
