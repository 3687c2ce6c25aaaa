"""Changing one's e-mail address (issue 10 item 2): asked with the password (and a code when
two-step sign-in is on), made only through a link mailed to the new address.

`request_change` proves it is the user (services.reauth) and mails the NEW address a signed
link, valid EMAIL_CHANGE_TOKEN_MAX_AGE seconds, bound to the user's id, the new address, the
current address and the current password: once the address or the password changes, no older
link works. An address that already has an account gets a notice instead of a link, and the
page answers the same either way, so the form tells no one which addresses have accounts.

`confirm_change` is done by the signed-in user following the link (the link alone signs no one
in and changes nothing: the page shows a button); the OLD address is told, every other session
ends, and the audit log records `email.changed`.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from govtech import security
from govtech.extensions import db
from govtech.models import User
from govtech.services import account_mail, accounts, audit, links, reauth, sessions, transaction
from govtech.services.errors import DomainError

SALT = "email-change"
SESSIONS_ENDED = "email_changed"  # user_session.end_reason of the other sessions


def hours() -> int:
    return int(current_app.config["EMAIL_CHANGE_TOKEN_MAX_AGE"]) // 3600


@transaction.unit_of_work()
def request_change(user: User, new_email: str, password: str, code: str | None = None) -> str:
    """Mail a confirmation link to the new address (normalised, and returned for the page's
    answer); an address with an account gets a notice instead, and the answer is the same."""
    new = accounts.normalise_email(new_email)
    reauth.check(user, password, code)
    if new == accounts.normalise_email(user.email):
        raise DomainError(_("This is already your e-mail address."), field="email")
    owner = accounts.find_user(new)
    if owner is not None:
        account_mail.tell(
            owner, "emails/email_change_taken.txt",
            lambda: _("Someone tried to use your e-mail address for another account"),
            reset_link=security.external_url("auth.forgot_password"))
        return new
    token = links.make(SALT, {"uid": user.id, "new": new, "old": user.email,
                              "pw": links.password_mark(user)})
    account_mail.tell(user, "emails/email_change_confirm.txt",
                      lambda: _("Confirm your new e-mail address"), to=new, new_email=new,
                      hours=hours(), link=security.external_url("auth.email_change",
                                                                token=token))
    return new


def pending(user: User, token: str) -> str:
    """The new address a link names, for the signed-in `user`; a clear refusal when the link
    is forged, expired, for another account, or no longer current (used, or the address or
    password changed since)."""
    data = links.read(SALT, token, current_app.config["EMAIL_CHANGE_TOKEN_MAX_AGE"])
    if not isinstance(data.get("new"), str):
        raise DomainError(_("This link is not valid."))
    if data.get("uid") != user.id:
        raise DomainError(_("This link is for another account. Log in with the account whose "
                            "address you are changing, then open the link again."))
    if data.get("old") != user.email or data.get("pw") != links.password_mark(user):
        raise DomainError(_("This link has already been used. Please ask for a new one."))
    return str(data["new"])


@transaction.unit_of_work()
def confirm_change(user: User, token: str, *, keep_token: str | None = None) -> str:
    """Make the change a valid link names: the old address is told, every other session ends
    (the one `keep_token` opens stays). The new address."""
    new = pending(user, token)
    if accounts.find_user(new) is not None:  # taken since the link was sent
        raise DomainError(_("This address now belongs to another account and cannot be "
                            "used."))
    old = user.email
    user.email = new
    try:
        db.session.flush()  # two confirmations of one address at once: the second is told
    except IntegrityError as exc:
        raise DomainError(_("This address now belongs to another account and cannot be "
                            "used.")) from exc
    ended = sessions.end_all(user, SESSIONS_ENDED, keep_token=keep_token)
    audit.record("email.changed", actor=user, target=user, old=old, new=new,
                 sessions_ended=ended)
    account_mail.tell(user, "emails/email_change_done.txt",
                      lambda: _("The e-mail address of your account was changed"), to=old,
                      old_email=old, new_email=new)
    return new
