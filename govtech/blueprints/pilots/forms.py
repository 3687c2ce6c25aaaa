"""Pilot forms: moves, the results report, KPIs and milestones. Rules live in services.pilots."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from govtech.forms import count_range, finite
from govtech.labels import NOT_ADOPTED_REASONS


class MoveForm(FlaskForm):
    target = HiddenField(validators=[InputRequired()])
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)],
                         description=_l("What happened; it goes into the timeline."))
    reason = SelectField(_l("Reason"), validators=[Optional()], validate_choice=False)
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = [("", str(_l("Choose a reason")))] + [
            (key, str(label)) for key, label in NOT_ADOPTED_REASONS.items()]
        # One form per possible move sits on the same page: element ids (and the labels that
        # point at them) get the target as suffix, while the posted names stay the same.
        target = self.target.data or ""
        for field in self:
            field.id = f"{field.name}-{target}" if target else field.name
            field.label.field_id = field.id


class ReportForm(FlaskForm):
    verified = TextAreaField(_l("What was verified"), validators=[Length(max=10000)],
                             description=_l("The hypotheses tested and what the figures show."))
    learned = TextAreaField(_l("What was learned"), validators=[Length(max=10000)])
    changed = TextAreaField(_l("What changed"), validators=[Length(max=10000)],
                            description=_l("For residents, staff or the service."))
    adoption_decision = TextAreaField(_l("Adoption decision"), validators=[Length(max=10000)],
                                      description=_l("Whether and how the municipality will "
                                                     "adopt it, and why."))

    def values(self) -> dict:
        return {name: getattr(self, name).data or "" for name in (
            "verified", "learned", "changed", "adoption_decision")}


class KPIForm(FlaskForm):
    name = StringField(_l("KPI"), validators=[InputRequired(), Length(max=200)])
    unit = StringField(_l("Unit"), validators=[Length(max=40)])
    baseline = FloatField(_l("Baseline"), validators=[Optional(), finite])
    target = FloatField(_l("Target"), validators=[Optional(), finite])
    actual = FloatField(_l("Actual"), validators=[Optional(), finite])

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "name", "unit", "baseline", "target", "actual")}


class MilestoneForm(FlaskForm):
    title = StringField(_l("Milestone"), validators=[InputRequired(), Length(max=200)])
    due_date = DateField(_l("Due date"), validators=[Optional()])


class BoardFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Length(max=200)])
    mine = BooleanField(_l("My pairs"))


# --- the checklist (services.checklist): one set of forms per item, ids prefixed by its key ---

class ChecklistRecordForm(FlaskForm):
    body = TextAreaField(_l("Record"), validators=[Length(max=20000)])
    recorded_on = DateField(_l("Date"), validators=[Optional()])
    amount = IntegerField(_l("Amount (yen)"), validators=[Optional(), count_range(0, 10**13)])


class WaiveForm(FlaskForm):
    reason = TextAreaField(_l("Why it is waived"), validators=[Length(max=2000)],
                           description=_l("Kept on the checklist and in the timeline."))


class DueForm(FlaskForm):
    due_on = DateField(_l("Due date"), validators=[Optional()])


class ReopenForm(FlaskForm):
    pass


CHECKLIST_FORMS: dict[str, type[Any]] = {"record": ChecklistRecordForm, "waive": WaiveForm,
                                         "due": DueForm}


def checklist_forms(items, sent: tuple[str, str, FlaskForm] | None = None) -> dict:
    """{key: {"record": form, "waive": form, "due": form}} for the stage's items, blank but for
    the one sent back with its errors (kind, key, form)."""
    result: dict = {}
    for item in items:
        entry = item.entry
        forms: dict[str, Any] = {
            "record": ChecklistRecordForm(formdata=None, prefix=f"{item.key}-record", obj=entry),
            "waive": WaiveForm(formdata=None, prefix=f"{item.key}-waive", obj=entry),
            "due": DueForm(formdata=None, prefix=f"{item.key}-due", obj=entry)}
        if sent is not None and sent[1] == item.key:
            forms[sent[0]] = sent[2]
        if item.body_label:
            forms["record"].body.label.text = item.body_label
        result[item.key] = forms
    return result
