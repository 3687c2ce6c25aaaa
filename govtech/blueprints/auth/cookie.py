"""What the browser's cookie carries, and how a request finds its user through it.

Flask-Login keeps its user id in Flask's signed session cookie as usual; beside it we keep the
token of the server-side session record (`TOKEN_KEY`, see services.sessions). The user loader
accepts the id only together with a token whose record is live and belongs to that user, so the
record decides: once it is ended (sign-out, ended from the security page, a password change or
reset, a disabled account) or found idle or too old, a replayed copy of the old cookie is just an
anonymous visitor and is sent to the login page.

Why not Flask-Login's "alternative id" (get_id() returning the token)? get_id() is a method of
the shared User model, so it would have to read per-request state off a model instance that the
identity map may share; keeping the token next to the id leaves the model alone and puts the
whole rule in one loader. "Remember me" is never offered: a remember cookie carries only the user
id, and without a live token beside it the loader refuses it too.
"""
from __future__ import annotations

import functools

from flask import Response, after_this_request, flash, g, session
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from govtech.i18n import apply_lang_param
from govtech.models import User
from govtech.services import sessions

# bandit B105 below: the name of a key in Flask's session, not a secret
TOKEN_KEY = "sid"  # nosec B105
_FLASK_LOGIN_KEYS = ("_user_id", "_fresh", "_id", "_remember", "_remember_seconds")


def sign_in(user: User, method: str = "password") -> None:
    """Open a server-side session for `user` and put its token in this browser's cookie."""
    token = sessions.start(user, method=method)
    login_user(user)
    session[TOKEN_KEY] = token


def token() -> str | None:
    """This browser's session token."""
    return session.get(TOKEN_KEY)


def sign_out() -> None:
    """End this browser's session record and forget the cookie's sign-in."""
    if current_user.is_authenticated:
        sessions.log_out(current_user, token())
    forget()


def forget() -> None:
    """This browser is no longer signed in (its session record is already over)."""
    logout_user()
    session.pop(TOKEN_KEY, None)


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user only through a live session record. It must not
    translate or commit (both ask who the user is, which is being found out): `load_early`
    writes and explains afterwards."""
    found = sessions.resume(user_id, token())
    g.session_visit = found
    if found.over:
        for key in (*_FLASK_LOGIN_KEYS, TOKEN_KEY):  # the next request is plainly anonymous
            session.pop(key, None)
    user = found.user
    if (user is None or user.is_suspended or user.is_invited or user.is_disabled
            or user.awaiting_confirmation):
        return None
    return user


def load_early() -> None:
    """before_app_request: find the user before the view runs, then store what the visit
    changed (a last-seen time at most once a minute, an expiry) and say why a session is over.
    `?lang=` is applied first: a commit asks for the language, which is then kept for the
    request; the message is written once the page is done, in its language."""
    apply_lang_param()
    current_user._get_current_object()  # runs the loader now, once
    found = g.pop("session_visit", None)
    if found is None:
        return
    sessions.settle(found)
    if found.over:
        after_this_request(functools.partial(_explain, found.over))


def _explain(over: str, response: Response) -> Response:
    if over == "expired":
        flash(_("Your session has expired. Please log in again."), "info")
    else:
        flash(_("This session has been ended. Please log in again."), "info")
    return response
