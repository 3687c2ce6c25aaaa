"""The user's own data (個人情報保護法): download it as JSON, or delete the account."""
from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech.blueprints import pages
from govtech.blueprints.auth import cookie, forms
from govtech.blueprints.auth.views import bp
from govtech.models.base import utcnow
from govtech.services import privacy


@bp.get("/account/data.json")
def download_data():
    """Everything the platform holds about the user, as a JSON file (never cached)."""
    data = privacy.export(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    filename = f"govtech-my-data-{utcnow():%Y%m%d}.json"
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f"attachment; filename={filename}",
                             "Cache-Control": "no-store"})


@bp.route("/account/delete", methods=["GET", "POST"])
def delete_account():
    """Delete the account (anonymise it) after the password and a confirmation."""
    form = forms.DeleteAccountForm()
    if pages.submit(form, lambda: privacy.anonymise(current_user, form.password.data,
                                                    confirmed=bool(form.confirm.data))):
        cookie.forget()
        flash(_("Your account has been deleted. Thank you for taking part."), "info")
        return redirect(url_for("public.index"))
    return render_template("auth/delete_account.html", form=form), pages.status(form)
