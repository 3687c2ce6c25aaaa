"""Two-step sign-in pages: enrolment and settings, the code step of a login, and an
organisation's requirement (services.two_step holds the rules).

After the password, a user with two-step sign-in is not signed in yet: this browser's Flask
session holds a "password OK" marker (signed with a time stamp, valid MARKER_SECONDS) naming the
user, and /login/code asks for a code. Only an accepted code starts the server-side session.
"""
from __future__ import annotations

from flask import (
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import RequestLimit
from flask_login import current_user
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from limits import RateLimitItemPerSecond
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import AnyOf, InputRequired, Length

from govtech.blueprints import pages
from govtech.blueprints.auth import cookie
from govtech.blueprints.auth.views import _safe_next, bp
from govtech.extensions import limiter
from govtech.models import User
from govtech.services import members, two_step

MARKER_KEY = "two_step_login"
MARKER_SECONDS = 5 * 60
# Refused codes or passwords on the settings page (a borrowed session must not try every code)
SETTINGS_LIMIT = "10 per 15 minutes"

CODE = [InputRequired(), Length(max=40)]


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), validators=CODE, render_kw={
        "autocomplete": "one-time-code", "inputmode": "text", "autofocus": True},
        description=_l("The 6-digit code your authenticator app shows, or one of your "
                       "recovery codes."))


class ConfirmForm(FlaskForm):
    secret = HiddenField(validators=[InputRequired(), Length(max=64)])
    code = StringField(_l("Code from the app"), validators=CODE,
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class ReauthForm(FlaskForm):
    password = PasswordField(_l("Current password"), validators=[InputRequired(),
                                                                 Length(max=200)])
    code = StringField(_l("Code from the app"), validators=CODE,
                       render_kw={"autocomplete": "one-time-code"})


class RequiredForm(FlaskForm):
    required = HiddenField(validators=[InputRequired(), AnyOf(["0", "1"])])


# --- the "password OK" marker -----------------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="two-step-login")


def hand_over(user: User, next_url: str | None):
    """The password was right and two-step sign-in is on: ask for the code next."""
    session[MARKER_KEY] = _serializer().dumps(user.id)
    return redirect(url_for("auth.login_code", next=_safe_next(next_url)))


def _marked_user() -> User | None:
    marker = session.get(MARKER_KEY)
    if not marker:
        return None
    try:
        user_id = _serializer().loads(marker, max_age=MARKER_SECONDS)
    except (SignatureExpired, BadSignature):
        session.pop(MARKER_KEY, None)
        return None
    return two_step.awaiting_code(user_id)


def _code_account_key() -> str:
    marker = session.get(MARKER_KEY) or ""
    try:
        return f"login-code:{_serializer().loads(marker)}"
    except BadSignature:
        return "login-code:none"


def _refused(response) -> bool:
    return response.status_code == 401


def _code_locked(refused: RequestLimit) -> None:
    """on_breach: recorded (and the owner told) once per window, not at every refused try."""
    once = RateLimitItemPerSecond(1, refused.limit.get_expiry())
    if refused.limiter.hit(once, "audit-code-locked", refused.key):
        user = _marked_user()
        if user is not None:
            two_step.record_code_lockout(user)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_code_account_key,
               methods=["POST"], deduct_when=_refused, scope="login-code-account",
               on_breach=_code_locked)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
               deduct_when=_refused, scope="login-code-address")
def login_code():
    """The second step of a login: a code from the app, or a recovery code."""
    next_url = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(_safe_next(next_url))
    user = _marked_user()
    if user is None:
        flash(_("Your login has expired. Please enter your e-mail address and password "
                "again."), "info")
        return redirect(url_for("auth.login", next=next_url))
    form = CodeForm()
    accepted = pages.save(form, lambda: two_step.sign_in_code(user, form.code.data))
    if accepted:
        session.pop(MARKER_KEY, None)
        cookie.sign_in(user, "two_step" if accepted.kind == "code" else "recovery_code")
        if accepted.kind == "recovery_code":
            flash(_("You logged in with a recovery code. %(n)d recovery codes are left.",
                    n=accepted.remaining), "info")
        return redirect(_safe_next(next_url))
    return render_template("auth/login_code.html", form=form), pages.refusal_status(form)


# --- enrolment and settings -------------------------------------------------------------------

def _codes_page(codes: list[str]):
    """The recovery codes, shown this once; no cache may keep them."""
    response = make_response(render_template("auth/two_step_codes.html", codes=codes))
    response.headers["Cache-Control"] = "no-store"
    return response


def _settings_key() -> str:
    return f"two-step-settings:{current_user.get_id()}"


def _settings_refused(response) -> bool:
    return response.status_code in (400, 401, 409)


@bp.route("/account/two-step", methods=["GET", "POST"], endpoint="two_step")
@limiter.limit(SETTINGS_LIMIT, key_func=_settings_key, methods=["POST"],
               deduct_when=_settings_refused, scope="two-step-settings")
def two_step_settings():
    """Several small forms on one page; a hidden `form` value says which one was sent."""
    confirm_form = ConfirmForm(prefix="on")
    disable_form = ReauthForm(prefix="off")
    regenerate_form = ReauthForm(prefix="codes")
    sent = request.form.get("form") if request.method == "POST" else None
    if sent == "begin" and pages.run(lambda: two_step.begin(current_user)):
        return redirect(url_for("auth.two_step"))
    if sent == "confirm" and (codes := pages.save(confirm_form, lambda: two_step.confirm(
            current_user, confirm_form.secret.data, confirm_form.code.data,
            keep_token=cookie.token()), _("Two-step sign-in is on. Your other sessions have "
                                          "been ended."))):
        return _codes_page(codes)
    if sent == "disable" and pages.submit(disable_form, lambda: two_step.disable(
            current_user, disable_form.password.data, disable_form.code.data),
            _("Two-step sign-in is off.")):
        return redirect(url_for("auth.two_step"))
    if sent == "regenerate" and (codes := pages.save(regenerate_form, lambda: two_step.regenerate(
            current_user, regenerate_form.password.data, regenerate_form.code.data),
            _("New recovery codes have been made; the old ones no longer work."))):
        return _codes_page(codes)
    enrolment = two_step.enrolment(current_user)
    if enrolment is not None and not confirm_form.secret.data:
        confirm_form.secret.data = enrolment.secret
    status = pages.status(confirm_form, disable_form, regenerate_form)
    refused = [getattr(form, "refused_status", None)
               for form in (confirm_form, disable_form, regenerate_form)]
    status = 409 if 409 in refused else status
    return render_template(
        "auth/two_step.html", enabled=two_step.is_enabled(current_user),
        required=two_step.is_required(current_user), enrolment=enrolment,
        remaining=two_step.remaining_codes(current_user), confirm_form=confirm_form,
        disable_form=disable_form, regenerate_form=regenerate_form), status


@bp.post("/organisations/<int:org_id>/two-step")
def organisation_two_step(org_id: int):
    """Require two-step sign-in of every member of an organisation, or stop requiring it."""
    back = redirect(url_for("admin.organisations" if current_user.is_manager
                            else "auth.members"))
    form = RequiredForm()
    if not form.validate_on_submit():
        flash(_("The request was not valid. Please try again."), "error")
        return back
    required = form.required.data == "1"
    org = members.organisation_for(current_user, org_id)  # another organisation's: 404
    two_step.set_required(current_user, org, required)  # not its administrator: 403
    flash(_("%(org)s now requires two-step sign-in of all its members.", org=org.name)
          if required else _("%(org)s no longer requires two-step sign-in.", org=org.name),
          "success")
    return back
