"""The JSON API, /api/v1 (issue 14): the same services and permissions as the pages.

Built with SpecTree (pydantic 2 models → an OpenAPI 3.1 document generated from the code).
SpecTree is used for the document only; parsing, auth and errors are ours
(govtech.api.declare, .auth, .problems), so every error is a problem document. How to add an
endpoint: docs/API-DEVELOPING.md.

`init_app` (called by create_app after the error pages are registered) imports the endpoint
modules, registers the blueprint, exempts it from CSRF (no cookie is accepted on the API),
authenticates tokens before the policy table is enforced, and answers errors under /api/ as
problems.
"""
from __future__ import annotations

import importlib
import importlib.util
import re

from flask import Blueprint, Flask
from spectree import SpecTree

from govtech.api.schemas_common import ProblemOut

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Endpoint modules, each owned by its engineer; a module not written yet is skipped.
MODULES = ("docs", "me", "challenges", "startups", "cases", "dashboard", "notifications",
           "recommendations", "proposals", "pilots", "marketing", "webhooks")


_NAMES: dict[str, type] = {}


def _component_name(model: type) -> str:
    """A component name OpenAPI accepts (`Page[ChallengeOut]` → `Page_ChallengeOut_`), unique:
    a second model of the same name from another module is named after its module too."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", model.__name__)
    owner = _NAMES.setdefault(name, model)
    if owner is not model:
        name = f"{model.__module__.rsplit('.', 1)[-1]}.{name}"
        _NAMES.setdefault(name, model)
    return name


def _nested_name(parent: str, child: str) -> str:
    """A model nested in another is named after both (`PilotOut.OrganisationRef`): two
    modules' models of the same name never overwrite each other."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", f"{parent}.{child}")


spec = SpecTree(
    "flask", mode="strict", path="_spectree", annotations=False,
    title="GovTech Accelerator API", version="1",
    description="JSON API over the same services and permissions as the pages. "
                "Authentication: the header Authorization: Bearer <personal access token> "
                "(account page → API tokens). Errors: RFC 9457 problem documents.",
    validation_error_model=ProblemOut,
    naming_strategy=_component_name,
    nested_naming_strategy=_nested_name,
)


def _load_modules() -> None:
    for name in MODULES:
        if importlib.util.find_spec(f"govtech.api.{name}") is not None:
            importlib.import_module(f"govtech.api.{name}")


def init_app(app: Flask) -> None:
    from govtech.api import auth, problems
    from govtech.extensions import csrf, login_manager
    from govtech.permissions import enforce

    _load_modules()
    app.register_blueprint(bp)
    csrf.exempt(bp)
    login_manager.blueprint_login_views["api"] = None  # 401, never a redirect to the login page
    app.config.setdefault("API_RATE_LIMIT_TOKEN", "600 per minute")
    # tests walk every route from one address within a minute (tests/test_routes_roles.py)
    app.config.setdefault("API_RATE_LIMIT_ANONYMOUS",
                          "6000 per minute" if app.testing else "60 per minute")
    app.config.setdefault("API_MAX_JSON_BYTES", 256 * 1024)
    hooks = app.before_request_funcs.setdefault(None, [])
    position = hooks.index(enforce) if enforce in hooks else len(hooks)
    hooks.insert(position, auth.authenticate_request)  # the token's user, before the policy
    problems.init_app(app)
