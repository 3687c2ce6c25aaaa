"""Proposal forms: syntax and lengths here, rules in services.proposals."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from govtech.forms import count_range


class ProposalForm(FlaskForm):
    approach = TextAreaField(_l("Approach"), validators=[InputRequired(), Length(max=20000)],
                             description=_l("How you would solve the challenge, and with what."))
    timeline = TextAreaField(_l("Timeline"), validators=[Length(max=5000)],
                             description=_l("e.g. 1st month: setup, months 2–4: pilot, "
                                            "month 5: evaluation"))
    cost_estimate = IntegerField(_l("Cost estimate (10,000 yen)"), validators=[
        Optional(), count_range()])
    attachment = FileField(_l("Attachment (PDF)"))
    version = HiddenField()

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in ("approach", "timeline",
                                                            "cost_estimate")}


class ProposalStateForm(FlaskForm):
    state = HiddenField(validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)],
                           description=_l("Required when declining; the startup reads it."))
    version = HiddenField()


class ProposalFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Length(max=200)])
