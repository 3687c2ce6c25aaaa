"""Error pages: a translated message and the right status, never a stack trace."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from govtech.services import transaction
from govtech.services.errors import DomainError


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood.")),
        403: (_("Not allowed"), _("You do not have permission to open this page.")),
        404: (_("Not found"), _("This page does not exist, or it is not visible to you.")),
        405: (_("Not allowed"), _("This action cannot be done this way.")),
        409: (_("Conflict"), _("The change could not be made.")),
        413: (_("Too large"), _("The upload is too large.")),
        429: (_("Too many attempts"),
              _("Too many attempts in a short time. Please wait a few minutes and try again.")),
        500: (_("Something went wrong"),
              _("An unexpected error occurred. The programme office has been informed.")),
    }


def render_error(status: int, detail: str | None = None):
    title, message = _messages().get(status, _messages()[400])
    if status == 403 and detail == "pending":
        title = _("Awaiting approval")
        message = _("Your organisation is waiting for approval by the programme office. "
                    "You can use this page once it is approved.")
    elif detail:
        message = detail
    return render_template("errors/error.html", status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, _("The form has expired or was sent from elsewhere. "
                                   "Please go back, reload the page and try again."))

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        # A refused change was rolled back by its unit of work (services.transaction).
        return render_error(error.status, error.message)

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):
        # No page can be built for a host this site does not serve (no URL adapter): plain text.
        return "Bad request: this host is not served here.", 400, {"Content-Type": "text/plain"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # abort(status, description=...) passes our own translated text; werkzeug's defaults
        # are English, so they are replaced by the translated message for the status.
        custom = error.code in (400, 403, 404) and error.description != type(error).description
        return render_error(error.code or 500, error.description if custom else None)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        transaction.abandon()
        app.logger.exception("Unhandled error on %s", request.path)
        return render_error(500)
