"""Language choice: ?lang= on any page, then the user's saved choice, then the browser's."""
from __future__ import annotations

from flask import abort, current_app, g, has_request_context, request, session
from flask_babel import gettext as _
from flask_login import current_user


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # command line: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if lang := g.get("lang"):
        return lang
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages) or current_app.config[
        "BABEL_DEFAULT_LOCALE"]


def apply_lang_param() -> None:
    """before_request: ?lang=ja|en shows this page in that language and stores nothing (a GET
    never changes stored data); the header's switch POSTs to remember the choice."""
    lang = request.args.get("lang")
    if lang is None:
        return
    if lang not in current_app.config["LANGUAGES"]:
        abort(400, description=_("Unknown language. Choose ja or en."))
    g.lang = lang


def remember(lang: str) -> None:
    """The language switch: for this browser, and for the signed-in user's account."""
    if lang not in current_app.config["LANGUAGES"]:
        abort(400, description=_("Unknown language. Choose ja or en."))
    g.lang = lang
    session["lang"] = lang
    if current_user.is_authenticated and current_user.locale != lang:
        from govtech.services import accounts

        accounts.set_locale(current_user, lang)
