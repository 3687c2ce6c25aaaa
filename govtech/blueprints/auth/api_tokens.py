"""The account's personal access tokens for the API (issue 14): list, create, revoke.

A new token's secret is shown once, in the answer to the form that created it (never stored,
never put in the session or a redirect), with `Cache-Control: no-store`.
"""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from govtech.blueprints import pages
from govtech.blueprints.auth.views import bp
from govtech.services import api_tokens

DAYS = (30, 90, 180, 365)


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=100)],
                       description=_l("What the token is for, e.g. 「Power BI 月次集計」."))
    scopes = RadioField(_l("Scopes"), default="read",
                        choices=[("read", _l("Read only")),
                                 ("write", _l("Read and write"))])
    days = SelectField(_l("Valid for"), coerce=int, default=90,
                       choices=[(30, _l("30 days")), (90, _l("90 days")),
                                (180, _l("180 days")), (365, _l("1 year"))])


def _page(form: TokenForm, created: api_tokens.Created | None = None, status: int = 200
          ) -> ResponseReturnValue:
    response = make_response(render_template(
        "auth/api_tokens.html", form=form, created=created,
        tokens=api_tokens.list_for(current_user), is_live=api_tokens.is_live), status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/api-tokens", methods=["GET", "POST"])
def api_tokens_page() -> ResponseReturnValue:
    form = TokenForm(prefix="token")
    created = pages.save(form, lambda: api_tokens.create(
        current_user, form.name.data or "",
        ["read", "write"] if form.scopes.data == "write" else ["read"], form.days.data or 0),
        _("The token has been created. Copy it now: it will not be shown again."))
    if created is not None:
        return _page(TokenForm(prefix="token", formdata=None), created)
    return _page(form, status=pages.refusal_status(form) if request.method == "POST" else 200)


@bp.post("/account/api-tokens/<int:token_id>/revoke")
def revoke_api_token(token_id: int) -> ResponseReturnValue:
    if request.form.get("confirm") != "yes":
        abort(400, description=_("Tick the box to confirm."))
    api_tokens.revoke(current_user, token_id)  # someone else's: 404 (the error page)
    flash(_("The token has been revoked. Programs using it can no longer connect."), "success")
    return redirect(url_for("auth.api_tokens_page"))
