"""Shared form pieces: turning service errors into field errors, and common fields."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField

from govtech import reference
from govtech.services.errors import DomainError


def attach_error(form: FlaskForm, error: DomainError) -> None:
    """Show a service's refusal next to the field it concerns, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


class PrefectureField(SelectField):
    """A select of the 47 prefectures in JIS order, labelled in the current language."""

    def __init__(self, label=None, validators=None, blank=_l("Choose a prefecture"), **kwargs):
        super().__init__(label, validators, choices=[], **kwargs)
        self.blank = blank

    def pre_validate(self, form) -> None:
        self.choices = reference.prefecture_choices(self.blank)
        super().pre_validate(form)

    def iter_choices(self):
        self.choices = reference.prefecture_choices(self.blank)
        return super().iter_choices()
