"""Re-authentication before a sensitive change: the password and, while two-step sign-in is on,
a current code from the app (issue 10 item 2).

Changing the password or the e-mail address (services.email_change) goes through `check`;
two-step sign-in's own settings ask the same in services.two_step (which this module builds on:
the import runs this way only). A refusal is a DomainError on the form field it concerns; a
code accepted here is spent (it cannot be used again, at login or anywhere).
"""
from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.security import check_password_hash

from govtech.models import User
from govtech.services import accounts, transaction, two_step
from govtech.services.errors import DomainError


def check(user: User, password: str, code: str | None, *, field: str = "password") -> None:
    """Prove it is the user: the password (refused on the form's `field`), then, when two-step
    sign-in is on, a current code (refused on the "code" field). Runs in the caller's unit of
    work, so a refusal spends nothing."""
    if not check_password_hash(user.password_hash, password or ""):
        raise DomainError(_("The current password is not correct."), field=field)
    if two_step.is_enabled(user):
        if not (code or "").strip():
            raise DomainError(_("Enter the 6-digit code from your app."), field="code")
        two_step.check_code(user, code or "")


@transaction.unit_of_work()
def change_password(user: User, current: str, new: str, code: str | None = None, *,
                    keep_token: str | None = None) -> None:
    """The account page's password change: the current password and (two-step sign-in on) a
    code, then `accounts.change_password` (every other session ends, the user is mailed)."""
    check(user, current, code, field="current_password")
    accounts.change_password(user, current, new, keep_token=keep_token)
