"""Account forms. They check syntax; the accounts service checks the rules."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from govtech.forms import PrefectureField
from govtech.reference import lg_code_is_valid

EMAIL = [InputRequired(), Email(message=_l("Enter a valid e-mail address.")), Length(max=254)]
NEW_PASSWORD = [InputRequired(), Length(min=10, max=200)]


def _same_password():
    return EqualTo("password", message=_l("The two passwords do not match."))


class SignupForm(FlaskForm):
    kind = RadioField(_l("We are a"), choices=[("municipality", _l("Municipality")),
                                               ("startup", _l("Startup"))],
                      validators=[InputRequired()], default="municipality")
    org_name = StringField(_l("Organisation name"), validators=[InputRequired(), Length(max=200)])
    prefecture = PrefectureField(_l("Prefecture (head office for startups)"),
                                 validators=[InputRequired()])
    lg_code = StringField(_l("Local-government code (municipalities)"),
                          validators=[Optional(), Length(min=6, max=6)],
                          description=_l("The 6-digit 全国地方公共団体コード, e.g. 111007 for "
                                         "Saitama City."))
    name = StringField(_l("Your name"), validators=[InputRequired(), Length(max=100)])
    email = EmailField(_l("E-mail"), validators=EMAIL)
    password = PasswordField(_l("Password"), validators=NEW_PASSWORD,
                             description=_l("At least 10 characters, hard to guess."))
    password_confirm = PasswordField(_l("Password again"),
                                     validators=[InputRequired(), _same_password()])

    def validate_lg_code(self, field) -> None:
        if self.kind.data == "municipality" and not field.data:
            raise ValidationError(_l("Municipalities need their local-government code."))
        if field.data and not lg_code_is_valid(field.data):
            raise ValidationError(_l("This is not a valid local-government code (check digit)."))


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=EMAIL)
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=200)])


def _code_field():
    """A current code from the app: the page shows it only while two-step sign-in is on (the
    service asks for it then, services.reauth)."""
    return StringField(_l("Code from the app"), validators=[Optional(), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[InputRequired(), Length(max=200)])
    code = _code_field()
    password = PasswordField(_l("New password"), validators=NEW_PASSWORD,
                             description=_l("At least 10 characters, hard to guess."))
    password_confirm = PasswordField(_l("New password again"),
                                     validators=[InputRequired(), _same_password()])


class ChangeEmailForm(FlaskForm):
    email = EmailField(_l("New e-mail address"), validators=EMAIL,
                       description=_l("We send a link to this address; your address changes "
                                      "when you follow it."))
    password = PasswordField(_l("Current password"),
                             validators=[InputRequired(), Length(max=200)])
    code = _code_field()


class ConfirmEmailChangeForm(FlaskForm):
    token = HiddenField(validators=[InputRequired(), Length(max=1000)])


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Display language"), choices=[("ja", "日本語"), ("en", "English")])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=EMAIL)


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=NEW_PASSWORD,
                             description=_l("At least 10 characters, hard to guess."))
    password_confirm = PasswordField(_l("New password again"),
                                     validators=[InputRequired(), _same_password()])


class InviteForm(FlaskForm):
    name = StringField(_l("Colleague's name"), validators=[InputRequired(), Length(max=100)])
    email = EmailField(_l("Colleague's e-mail"), validators=EMAIL)


class EndSessionForm(FlaskForm):
    """Which of the user's sessions to end (its id; the service checks it is theirs)."""

    session = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=2**31 - 1)])


class MemberActionForm(FlaskForm):
    """One button on the members list: which member, what to do, and the state the row
    showed (a stale form is refused by the service)."""

    user = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=2**31 - 1)])
    action = SelectField(choices=[(name, name) for name in
                                  ("disable", "enable", "promote", "resend", "revoke")],
                         validators=[InputRequired()])
    seen = SelectField(choices=[(name, name) for name in ("active", "disabled", "invited")],
                       validators=[InputRequired()])


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[InputRequired(), Length(max=200)])
    confirm = BooleanField(_l("I understand that my account is deleted for good: my name and "
                              "e-mail address are removed, my organisation's records stay."))
