"""Challenge forms: syntax and lengths here, rules in services.challenges."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from govtech.forms import CategoryField, PrefectureField, TagsField, count_range

NON_NEGATIVE = count_range()


class ChallengeForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=500)],
                            description=_l("Two or three sentences; the public sees this."))
    description = TextAreaField(_l("Description"), validators=[Length(max=20000)],
                                description=_l("Markdown: **bold**, lists with -, links."))
    categories = CategoryField(_l("Categories"))
    tags = TagsField(_l("Tags"), description=_l("Separated by commas, e.g. テレワーク, LINE"))
    desired_outcome = TextAreaField(_l("Desired outcome"), validators=[Length(max=5000)])
    budget_min = IntegerField(_l("Budget from (10,000 yen)"), validators=[Optional(), NON_NEGATIVE])
    budget_max = IntegerField(_l("Budget up to (10,000 yen)"), validators=[Optional(),
                                                                          NON_NEGATIVE])
    pilot_start = DateField(_l("Pilot starts"), validators=[Optional()])
    pilot_end = DateField(_l("Pilot ends"), validators=[Optional()])
    deadline = DateField(_l("Application deadline"), validators=[Optional()])
    version = HiddenField()

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "title", "summary", "description", "categories", "tags", "desired_outcome",
            "budget_min", "budget_max", "pilot_start", "pilot_end", "deadline")}


class ChallengeStateForm(FlaskForm):
    state = HiddenField(validators=[InputRequired()])
    note = StringField(_l("Note (optional)"), validators=[Length(max=500)])


class ChallengeFilterForm(FlaskForm):
    """The list's filters, read from the query string (no CSRF: GET only)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Length(max=200)])
    category = SelectField(_l("Category"), validators=[Optional()])
    prefecture = PrefectureField(_l("Prefecture"), validators=[Optional()], blank=_l("All"))
    budget = IntegerField(_l("Budget at least (10,000 yen)"), validators=[Optional(), NON_NEGATIVE])
    state = SelectField(_l("State"), validators=[Optional()])
    deadline = SelectField(_l("Deadline"), validators=[Optional()], choices=[
        ("", _l("Any")), ("accepting", _l("Still accepting")), ("soon", _l("Within 2 weeks"))])
    sort = SelectField(_l("Sort"), validators=[Optional()], choices=[
        ("new", _l("Newest")), ("deadline", _l("Deadline")), ("title", _l("Title"))])
