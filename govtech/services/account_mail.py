"""Mail to a person about their account: in their language, sent once the change is stored.

Every such message (a password changed, a session paused, two-step sign-in turned on, an
address to confirm, an invitation) is rendered here the same way: the templates get the user,
when and from which address it happened, and a link (the password-reset page unless the
caller gives another).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import render_template
from flask_babel import force_locale

from govtech import formatting, mail, security
from govtech.models import User
from govtech.services import audit, sessions, transaction


def tell(user: User, template: str, subject: Callable[[], str] | object, *,
         to: str | None = None, language_of: User | None = None, when: datetime | None = None,
         **values: object) -> None:
    """Mail `to` (the user's address unless given) about `user`'s account, in the language of
    `language_of` (the user unless given), after the current unit of work commits."""
    values.setdefault("link", security.external_url("auth.forgot_password"))
    recipient = to or user.email
    with force_locale((language_of or user).locale or "ja"):
        title = subject() if callable(subject) else str(subject)
        body = render_template(template, user=user, address=audit.client_address(),
                               when=formatting.datetime(when or sessions.clock()), **values)
    transaction.after_commit(lambda: mail.send(recipient, title, body))
