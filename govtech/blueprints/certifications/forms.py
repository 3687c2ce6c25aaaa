"""Forms of the 第4号 certification pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import HiddenInput


class ApplicationForm(FlaskForm):
    product_name = StringField(_l("Product or service"), validators=[InputRequired()])
    plan_targets = TextAreaField(_l("Targets of the plan"),
                                 description=_l("What the product is to achieve for the town."))
    plan_content = TextAreaField(_l("Content of the plan"),
                                 description=_l("What the product does and how it is provided."))
    plan_timing = TextAreaField(_l("Timing of the plan"))
    plan_funding = TextAreaField(_l("Funding plan"))
    novelty = TextAreaField(_l("Grounds for meeting the criteria"),
                            description=_l("Why it is new, and what the pilot's results show."))
    expert_opinions = TextAreaField(_l("Opinions of the external experts"),
                                    description=_l("Left empty for the experts, or their "
                                                   "opinions once received."))
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class GrantForm(FlaskForm):
    decision = HiddenField(default="granted")
    number = StringField(_l("Certification number"), validators=[InputRequired()])
    granted_on = DateField(_l("Granted on"), validators=[Optional()])
    valid_until = DateField(_l("Valid until"), validators=[Optional()])
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class RefuseForm(FlaskForm):
    decision = HiddenField(default="refused")
    note = TextAreaField(_l("Reason for the refusal"), validators=[InputRequired()])
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
