"""The link that confirms a new e-mail address (services.email_change holds the rules).

The link leads here; it works only for the signed-in user it was made for (someone else, or no
one, is sent to log in first), and it changes nothing by itself: the page shows the new address
and a button, so a mail scanner that follows the link does nothing.
"""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech.blueprints import pages
from govtech.blueprints.auth import cookie, forms
from govtech.blueprints.auth.views import bp
from govtech.services import email_change
from govtech.services.errors import DomainError


@bp.route("/account/email", methods=["GET", "POST"], endpoint="email_change")
def email_change_page():
    """Without a link: where to ask for a change. With one: the new address and a button."""
    form = forms.ConfirmEmailChangeForm()
    token = form.token.data if request.method == "POST" else request.args.get("token", "")
    if not token:
        return render_template("auth/email_change.html", form=form, new_email=None), \
            400 if request.method == "POST" else 200
    try:
        new_email = email_change.pending(current_user, token)
    except DomainError as error:
        return render_template("auth/email_change.html", form=form, new_email=None,
                               refusal=error.message), error.status
    form.token.data = token
    if pages.submit(form, lambda: email_change.confirm_change(
            current_user, token, keep_token=cookie.token()),
            _("Your e-mail address is now %(email)s. Your other sessions have been ended.",
              email=new_email)):
        return redirect(url_for("auth.account"))
    return render_template("auth/email_change.html", form=form, new_email=new_email), \
        pages.status(form)
