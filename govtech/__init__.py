"""The GovTech Accelerator web application."""
from __future__ import annotations

import os

from flask import Flask

from govtech import config as config_module

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(config: dict | None = None) -> Flask:
    """Build the app: config → extensions → blueprints → errors → cli. Touches no data."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("GOVTECH_INSTANCE", os.path.join(ROOT, "instance")),
        template_folder=os.path.join(ROOT, "templates"),
    )
    config_module.load(app, config)
    register_security(app)
    register_request_log(app)
    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_template_helpers(app)
    register_errors(app)
    register_api(app)
    register_cli(app)
    return app


def register_security(app: Flask) -> None:
    from govtech import security

    security.init_app(app)


def register_request_log(app: Flask) -> None:
    """Before every other hook: the request's clock and id (govtech.requestlog)."""
    from govtech import requestlog

    requestlog.init_app(app)


def register_extensions(app: Flask) -> None:
    from govtech.extensions import babel, csrf, db, limiter, login_manager, mail, migrate
    from govtech.i18n import select_locale
    from govtech.models import User

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=os.path.join(app.root_path, "translations"))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page explains itself

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        """The user only through a live server-side session record: the cookie's token must
        open one (govtech.blueprints.auth.cookie explains the mapping)."""
        from govtech.blueprints.auth import cookie

        return cookie.load_user(user_id)


def register_blueprints(app: Flask) -> None:
    from govtech.blueprints import BLUEPRINTS

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)


def register_request_hooks(app: Flask) -> None:
    from govtech.i18n import apply_lang_param
    from govtech.permissions import enforce

    app.before_request(apply_lang_param)
    app.before_request(enforce)


def register_template_helpers(app: Flask) -> None:
    from govtech import templating

    templating.init_app(app)


def register_errors(app: Flask) -> None:
    from govtech import errors

    errors.init_app(app)


def register_api(app: Flask) -> None:
    """/api/v1 (issue 14): after the error pages, whose handlers it wraps for /api/."""
    from govtech import api

    api.init_app(app)


def register_cli(app: Flask) -> None:
    from govtech import cli

    cli.init_app(app)
