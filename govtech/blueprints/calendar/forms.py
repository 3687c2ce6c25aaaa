"""The budget calendar's form: syntax here, the rules in services.budget_calendar."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField
from wtforms.validators import InputRequired, Optional

from govtech.forms import MultiCheckboxField
from govtech.services import budget_calendar

MONTH_NAMES = (_l("January"), _l("February"), _l("March"), _l("April"), _l("May"), _l("June"),
               _l("July"), _l("August"), _l("September"), _l("October"), _l("November"),
               _l("December"))


class CalendarForm(FlaskForm):
    request_month = IntegerField(_l("Month"), validators=[InputRequired()])
    request_day = IntegerField(_l("Day"), validators=[InputRequired()])
    council_start_month = IntegerField(_l("Month"), validators=[InputRequired()])
    council_start_day = IntegerField(_l("Day"), validators=[InputRequired()])
    council_end_month = IntegerField(_l("Month"), validators=[InputRequired()])
    council_end_day = IntegerField(_l("Day"), validators=[InputRequired()])
    other_sessions = MultiCheckboxField(
        _l("Other regular sessions"), coerce=int, validators=[Optional()],
        choices=[(number, name) for number, name in enumerate(MONTH_NAMES, start=1)])
    limit_construction = IntegerField(budget_calendar.CATEGORY_LABELS["construction"],
                                      validators=[Optional()])
    limit_purchase = IntegerField(budget_calendar.CATEGORY_LABELS["purchase"],
                                  validators=[Optional()])
    limit_lease = IntegerField(budget_calendar.CATEGORY_LABELS["lease"], validators=[Optional()])
    limit_sale = IntegerField(budget_calendar.CATEGORY_LABELS["sale"], validators=[Optional()])
    limit_rental_out = IntegerField(budget_calendar.CATEGORY_LABELS["rental_out"],
                                    validators=[Optional()])
    limit_other = IntegerField(budget_calendar.CATEGORY_LABELS["other"], validators=[Optional()])
    certifies_new_business = BooleanField(
        _l("Our town certifies new-business products (新事業分野開拓者の認定制度あり)"))
    version = HiddenField()

    def load(self, calendar: budget_calendar.Calendar) -> None:
        """Fill a blank form with the town's effective values."""
        for name in ("request_month", "request_day", "council_start_month", "council_start_day",
                     "council_end_month", "council_end_day", "other_sessions",
                     "certifies_new_business"):
            getattr(self, name).data = getattr(calendar, name)
        for key in budget_calendar.CATEGORIES:
            getattr(self, f"limit_{key}").data = calendar.limits.get(key)
        self.version.data = calendar.version or ""

    def values(self) -> dict:
        values = {name: getattr(self, name).data for name in (
            "request_month", "request_day", "council_start_month", "council_start_day",
            "council_end_month", "council_end_day", "other_sessions", "certifies_new_business")}
        values["limits"] = {key: getattr(self, f"limit_{key}").data
                            for key in budget_calendar.CATEGORIES}
        return values
