"""The webhook form: where to send, and which events."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, Length

from govtech.forms import MultiCheckboxField
from govtech.services import webhooks


class WebhookForm(FlaskForm):
    url = StringField(_l("Address (URL)"), validators=[DataRequired(), Length(max=500)],
                      description=_l("An https:// address of your server. Each event is POSTed "
                                     "to it as JSON, signed with the secret."),
                      render_kw={"inputmode": "url", "autocomplete": "off",
                                 "placeholder": "https://"})
    events = MultiCheckboxField(_l("Events"), choices=[])
    programme_wide = BooleanField(_l("Programme-wide (every organisation's events)"))
    version = HiddenField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.events.choices = [(name, str(label)) for name, label in webhooks.EVENTS.items()]
