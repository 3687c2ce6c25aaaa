"""Challenge forms: syntax and lengths here, rules in services.challenges."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from govtech.forms import CategoryField, PrefectureField, TagsField, count_range
from govtech.models.enums import ProcurementRoute
from govtech.services import commitment

NON_NEGATIVE = count_range()


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class LinesField(TextAreaField):
    """A list of names, one per line (the success KPIs)."""

    def process_data(self, value) -> None:
        self.data = "\n".join(value) if isinstance(value, list) else (value or "")


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
    # The commitment to buy what works (issue 17): shown publicly as 「導入の約束あり」.
    budget_owner = StringField(
        _l("Budget owner"), validators=[Length(max=200)], filters=[_strip],
        description=_l("The department that will request the budget to adopt it, e.g. 市民課."))
    procurement_route = RadioField(
        _l("Intended procurement route"), default=ProcurementRoute.undecided.value,
        choices=list(commitment.ROUTE_LABELS.items()),
        description=_l("How you intend to buy it if the pilot succeeds. The small-amount route "
                       "is only possible within your town's limit; certification needs your "
                       "town's scheme (budget calendar)."))
    success_criteria = TextAreaField(
        _l("Success criteria"), validators=[Length(max=2000)], filters=[_strip],
        description=_l("The results that would make you adopt it, e.g. 窓口の待ち時間を30%短縮."))
    success_kpis = LinesField(
        _l("Success KPIs"), validators=[Length(max=3000)],
        description=_l("One KPI name per line. A new pilot starts with these KPIs."))
    adoption_fiscal_year = IntegerField(
        _l("Fiscal year of adoption"), validators=[Optional(), count_range(2000, 2200)],
        description=_l("The fiscal year whose budget is to pay for the adoption, e.g. 2027 for "
                       "2027年度 (April 2027 to March 2028)."))
    version = HiddenField()

    def values(self) -> dict:
        values = {name: getattr(self, name).data for name in (
            "title", "summary", "description", "categories", "tags", "desired_outcome",
            "budget_min", "budget_max", "pilot_start", "pilot_end", "deadline",
            "budget_owner", "procurement_route", "success_criteria", "adoption_fiscal_year")}
        values["success_kpis"] = commitment.kpi_names(self.success_kpis.data)
        return values


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
    commitment = SelectField(_l("Commitment to buy"), validators=[Optional()], choices=[
        ("", _l("Any")), ("made", _l("Commitment made")),
        ("missing", _l("Commitment missing"))])
    sort = SelectField(_l("Sort"), validators=[Optional()], choices=[
        ("new", _l("Newest")), ("deadline", _l("Deadline")), ("title", _l("Title"))])
