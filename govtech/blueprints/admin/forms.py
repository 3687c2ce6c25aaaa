"""Forms of the programme office's administration pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import AnyOf, InputRequired, Length


class OrganisationStateForm(FlaskForm):
    state = HiddenField(validators=[InputRequired(), AnyOf(["approved", "suspended"])])
    version = HiddenField(validators=[InputRequired()])
    note = StringField(_l("Note (optional)"), validators=[Length(max=500)])
