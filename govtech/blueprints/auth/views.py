"""Accounts: sign up, log in and out, the account page, invitations and password reset."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter import RequestLimit
from flask_login import current_user
from limits import RateLimitItemPerSecond

from govtech.blueprints import pages
from govtech.blueprints.auth import cookie, forms
from govtech.blueprints.public.views import safe_next
from govtech.extensions import limiter
from govtech.models import OrgKind
from govtech.services import accounts, email_change, members, reauth, sessions
from govtech.services import two_step as two_step_services
from govtech.services.errors import DomainError

bp = Blueprint("auth", __name__)
bp.before_app_request(cookie.load_early)


def _safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site."""
    return safe_next(target, url_for("home.index"))


def _login_account_key() -> str:
    return "login:" + accounts.normalise_email(request.form.get("email", ""))


def _failed(response) -> bool:
    return response.status_code == 401


def _locked(limit: str):
    """on_breach: the limiter refused a login attempt. The audit log records the lock once per
    window of the limit that refused it, not every refused attempt (a flood of attempts must
    not become a flood of rows)."""
    def record(refused: RequestLimit) -> None:
        once = RateLimitItemPerSecond(1, refused.limit.get_expiry())
        if refused.limiter.hit(once, "audit-login-locked", refused.key):
            accounts.record_lockout(request.form.get("email", ""), limit)
    return record


def _check_your_mail() -> str:
    """Sign-up's one answer, whether or not the address already had an account."""
    return _("Thank you. We have sent a message to %(email)s: please confirm your address with "
             "its link, then log in. Your organisation then waits for approval by the "
             "programme office.", email=accounts.normalise_email(request.form.get("email", "")))


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNUP_LIMIT_PER_ADDRESS"], methods=["POST"],
               scope="signup-address")
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = forms.SignupForm()
    if pages.submit(form, lambda: accounts.signup(
            kind=OrgKind(form.kind.data), org_name=form.org_name.data, name=form.name.data,
            email=form.email.data, password=form.password.data,
            prefecture=form.prefecture.data, lg_code=form.lg_code.data)):
        flash(_check_your_mail(), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/signup.html", form=form), pages.status(form)


@bp.get("/signup/confirm/<token>")
def confirm_email(token: str):
    """The link in the sign-up mail: the address is confirmed; the user then logs in with the
    password (a mail scanner that follows the link opens no session)."""
    try:
        accounts.confirm_email(token)
    except DomainError as error:
        return render_template("auth/link_invalid.html", message=error.message), 400
    flash(_("Your e-mail address is confirmed. Please log in: your organisation now waits for "
            "approval by the programme office."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/signup/resend", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def resend_confirmation():
    return _send_link_page(
        accounts.resend_confirmation,
        _("If this address awaits confirmation, we have sent it a new link."),
        _("Send the confirmation link again"),
        _("Enter the e-mail address you signed up with. If it awaits confirmation, we will "
          "send it a new link."))


def _send_link_page(send, sent: str, title: str, intro: str):
    """Ask for an address and mail it a link; the answer is the same whether or not the
    address has an account."""
    form = forms.ForgotPasswordForm()
    if form.validate_on_submit():
        send(form.email.data)
        flash(sent, "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/send_link.html", form=form, title=title,
                           intro=intro), pages.status(form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_login_account_key,
               methods=["POST"], deduct_when=_failed, scope="login-account",
               on_breach=_locked("account"))
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
               deduct_when=_failed, scope="login-address", on_breach=_locked("address"))
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = forms.LoginForm()
    user = pages.save(form, lambda: accounts.authenticate(form.email.data, form.password.data))
    if user and two_step_services.is_enabled(user):  # not signed in yet: a code first
        return two_step_pages.hand_over(user, request.args.get("next"))
    if user:
        cookie.sign_in(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), pages.refusal_status(form)


@bp.post("/logout")
def logout():
    cookie.sign_out()
    flash(_("You have logged out."), "info")
    return redirect(url_for("public.index"))


# Refused password or e-mail changes per account (a borrowed session must not try every code)
REAUTH_LIMIT = "10 per 15 minutes"


def _account_key() -> str:
    return f"account:{current_user.get_id()}"


def _sent(*names: str):
    """exempt_when for a limit on some of the account page's forms only."""
    return lambda: request.form.get("form") not in names


@bp.route("/account", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["EMAIL_CHANGE_LIMIT"], key_func=_account_key,
               methods=["POST"], scope="email-change", exempt_when=_sent("email"))
@limiter.limit(REAUTH_LIMIT, key_func=_account_key, methods=["POST"],
               deduct_when=lambda response: response.status_code >= 400,
               scope="account-reauth", exempt_when=_sent("email", "password"))
def account():
    """Small forms on one page; a hidden `form` value says which one was sent. Changing the
    password or the e-mail address asks for the password and, when two-step sign-in is on, a
    code (services.reauth); an e-mail change is made by the link mailed to the new address."""
    password_form = forms.ChangePasswordForm(prefix="pw")
    email_form = forms.ChangeEmailForm(prefix="email")
    language_form = forms.LanguageForm(prefix="lang", locale=current_user.locale or "ja")
    sent = request.form.get("form") if request.method == "POST" else None
    if sent == "password" and pages.submit(password_form, lambda: reauth.change_password(
            current_user, password_form.current_password.data, password_form.password.data,
            password_form.code.data, keep_token=cookie.token()),
            _("Your password has been changed. Your other sessions have been ended.")):
        return redirect(url_for("auth.account"))
    if sent == "email" and (new := pages.save(email_form, lambda: email_change.request_change(
            current_user, email_form.email.data, email_form.password.data,
            email_form.code.data))):
        flash(_("We have sent a message to %(email)s. Follow its link within %(hours)d hours, "
                "while logged in, to change your address.", email=new,
                hours=email_change.hours()), "info")
        return redirect(url_for("auth.account"))
    if sent == "language" and pages.submit(language_form, lambda: accounts.set_locale(
            current_user, language_form.locale.data)):
        return redirect(url_for("auth.account"))
    failed = sent is not None
    return render_template("auth/account.html", password_form=password_form,
                           email_form=email_form, language_form=language_form,
                           two_step_on=two_step_services.is_enabled(current_user)
                           ), 400 if failed else 200


@bp.route("/account/invite", methods=["GET", "POST"])
def invite():
    form = forms.InviteForm()
    email = pages.save(form, lambda: members.invite(current_user, email=form.email.data,
                                                     name=form.name.data))
    if email:  # the same answer whether or not the address already has an account
        flash(_("An invitation has been sent to %(email)s.", email=email), "success")
        return redirect(url_for("auth.members"))
    return render_template("auth/invite.html", form=form), pages.status(form)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def forgot_password():
    return _send_link_page(
        accounts.request_password_reset,
        _("If an account exists for this address, we have sent it a link to reset the "
          "password. The link is valid for one hour."),
        _("Forgot your password?"),
        _("Enter your e-mail address and we will send you a link to choose a new password."))


def _set_password_page(token: str, purpose: str):
    try:
        user = accounts.user_for_token(token, purpose)
    except DomainError as error:
        return render_template("auth/link_invalid.html", message=error.message), 400
    form = forms.SetPasswordForm()
    if saved := pages.save(form, lambda: accounts.reset_password(token, form.password.data,
                                                                   purpose),
                             _("Your password has been set.")):
        cookie.sign_in(saved, "invitation" if purpose == "invite" else purpose)
        return redirect(url_for("home.index"))
    return render_template("auth/set_password.html", form=form, user=user,
                           purpose=purpose), pages.status(form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _set_password_page(token, "reset")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _set_password_page(token, "invite")


@bp.get("/account/security")
def security():
    """The user's sessions: where they are signed in, and a button to end each."""
    current = sessions.current_id(cookie.token())
    rows = [{"session": record, "current": record.id == current}
            for record in sessions.list_for(current_user)]
    return render_template("auth/security.html", rows=rows,
                           others=sum(not row["current"] for row in rows),
                           two_step_on=two_step_services.is_enabled(current_user))


@bp.post("/account/security/end")
def end_session():
    """End one of the user's sessions (this one too: then it is a sign-out)."""
    form = forms.EndSessionForm()
    if not form.validate_on_submit():
        flash(_("The request was not valid. Please try again."), "error")
        return redirect(url_for("auth.security"))
    ended = sessions.end_one(current_user, form.session.data)  # another's: 404
    if ended.id == sessions.current_id(cookie.token()):
        cookie.forget()
        flash(_("This session has been ended. Please log in again."), "info")
        return redirect(url_for("auth.login"))
    flash(_("The session has been ended."), "success")
    return redirect(url_for("auth.security"))


@bp.post("/account/security/end-others")
def end_other_sessions():
    if pages.run(lambda: sessions.end_others(current_user, cookie.token())):
        flash(_("All your other sessions have been ended."), "success")
    return redirect(url_for("auth.security"))


@bp.post("/account/session/extend")
def extend_session():
    """The time-out warning's "stay signed in" button. Loading the user for this request has
    already counted it as a visit (cookie.load_early); the answer says how long the session now
    lasts without another. Without JavaScript it is a plain form: back to the page."""
    idle_seconds = current_app.config["SESSION_IDLE_MINUTES"] * 60
    if request.accept_mimetypes.best == "application/json":
        return {"idle_seconds": idle_seconds}
    flash(_("You are still signed in."), "success")
    return redirect(_safe_next(request.form.get("next")))


# Members, the user's own data and the two-step sign-in pages share this blueprint (they import
# `bp` from here).
from govtech.blueprints.auth import (  # noqa: E402,F401
    account_data,
    api_tokens,
    email_change_pages,
    members_pages,
)
from govtech.blueprints.auth import two_step as two_step_pages  # noqa: E402
