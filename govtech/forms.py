"""Shared form pieces: turning service errors into field errors, and common fields."""
from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import NumberRange, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from govtech import reference
from govtech.services.errors import DomainError


def attach_error(form: FlaskForm, error: DomainError) -> None:
    """Show a service's refusal next to the field it concerns, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


# Every number a form accepts fits the database's INTEGER and is finite: a larger one, inf or
# nan is a form error, never a 500 from the database or a broken chart.
MAX_INT = 2**31 - 1
MAX_NUMBER = 10**12


def count_range(minimum: int = 0, maximum: int = MAX_INT) -> NumberRange:
    """Whole numbers from `minimum` to `maximum` (an INTEGER column's range by default)."""
    return NumberRange(min=minimum, max=maximum, message=_l(
        "Enter a number from %(min)s to %(max)s."))


def finite(_form: FlaskForm, field) -> None:
    """Refuse inf and nan (which float() accepts) and numbers beyond any sensible measure."""
    value = field.data
    if value is not None and not (math.isfinite(value) and abs(value) <= MAX_NUMBER):
        raise ValidationError(_l("Enter an ordinary number (at most 1,000,000,000,000)."))


def http_url(_form: FlaskForm, field) -> None:
    """Only web addresses people can open safely: http and https (no javascript:, data:…)."""
    if field.data and urlsplit(field.data.strip()).scheme.lower() not in ("http", "https"):
        raise ValidationError(_l("Enter a full web address starting with https://"))


if TYPE_CHECKING:  # the mixin is only ever combined with a select field
    from wtforms import SelectField as _SelectBase
else:
    _SelectBase = object


class _LazyChoices(_SelectBase):
    """Choices built per request, so their labels follow the current language."""

    def make_choices(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def pre_validate(self, form) -> None:
        self.choices = self.make_choices()
        super().pre_validate(form)

    def iter_choices(self):
        self.choices = self.make_choices()
        return super().iter_choices()


class PrefectureField(_LazyChoices, SelectField):
    """A select of the 47 prefectures in JIS order, labelled in the current language."""

    def __init__(self, label=None, validators=None, blank=_l("Choose a prefecture"), **kwargs):
        super().__init__(label, validators, choices=[], **kwargs)
        self.blank = blank

    def make_choices(self):
        return reference.prefecture_choices(self.blank)


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes instead of a multi-select box: usable on phones and without a mouse."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CategoryField(_LazyChoices, MultiCheckboxField):
    """The fixed challenge taxonomy, labelled in the current language."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, choices=[], **kwargs)

    def make_choices(self):
        return reference.category_choices()


class RegionsField(_LazyChoices, MultiCheckboxField):
    """Prefectures served, with 'all of Japan' first."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, choices=[], **kwargs)

    def make_choices(self):
        return [("all", str(_l("All of Japan")))] + reference.prefecture_choices()[1:]


class TagsField(StringField):
    """Free tags typed as one line, separated by commas (、 and ， work too)."""

    def process_formdata(self, valuelist) -> None:
        raw = valuelist[0] if valuelist else ""
        self.data = [t.strip() for t in re.split(r"[,、，]", raw) if t.strip()]

    def _value(self) -> str:
        return ", ".join(self.data or [])
