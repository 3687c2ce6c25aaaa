"""Marketing forms: syntax and lengths here, rules in services.marketing."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from govtech.forms import _LazyChoices
from govtech.labels import MARKETING_KINDS
from govtech.services.marketing_lists import state_choices


class KindField(_LazyChoices, SelectField):
    """The kinds of joint marketing, labelled in the current language."""

    def __init__(self, label=None, validators=None, blank=None, **kwargs):
        super().__init__(label, validators, choices=[], **kwargs)
        self.blank = blank

    def make_choices(self):
        blank = [("", str(self.blank))] if self.blank else []
        return blank + [(key, str(label)) for key, label in MARKETING_KINDS.items()]


class StateField(_LazyChoices, SelectField):
    def make_choices(self):
        return [("", str(_l("All")))] + state_choices()


class ActivityForm(FlaskForm):
    kind = KindField(_l("Kind"), validators=[InputRequired()])
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    body = TextAreaField(_l("Text"), validators=[Length(max=20000)],
                         description=_l("Markdown: **bold**, lists with -, links. Changing the "
                                        "text after approvals asks all three sides again."))
    planned_date = DateField(_l("Planned publication date"), validators=[Optional()])
    is_public = BooleanField(_l("Show on the public case-study pages once published"),
                             description=_l("Only case studies appear there."))
    version = HiddenField()

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "kind", "title", "body", "planned_date", "is_public")}


class MoveForm(FlaskForm):
    target = HiddenField(validators=[InputRequired()])
    note = TextAreaField(_l("Comment"), validators=[Length(max=2000)])
    version = HiddenField(validators=[InputRequired()])


class ApproveForm(FlaskForm):
    version = HiddenField(validators=[InputRequired()])


class FilterForm(FlaskForm):
    """The list's filters, read from the query string (no CSRF: GET only)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Length(max=200)])
    kind = KindField(_l("Kind"), validators=[Optional()], blank=_l("All"))
    state = StateField(_l("State"), validators=[Optional()])
