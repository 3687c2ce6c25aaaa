"""Catalogue forms: the list's filters, a manager's edit of a solution, a town's rating. The
rules (scores 1 to 5, who may rate, when) live in services.ratings and services.catalogue."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from govtech import reference
from govtech.services import catalogue_lists, ratings

_SCORE = _l("Choose a score from 1 to 5.")


class CatalogueFilterForm(FlaskForm):
    """The list's filters, read from the query string (no CSRF: GET only)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Length(max=200)])
    category = SelectField(_l("Category"), validators=[Optional()], validate_choice=False)
    population = SelectField(_l("Population of the adopting town"), validators=[Optional()],
                             validate_choice=False)
    route = SelectField(_l("Procurement route"), validators=[Optional()], validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", str(_l("All")))]
        self.category.choices = every + reference.category_choices()
        self.population.choices = every + catalogue_lists.band_choices()
        self.route.choices = every + catalogue_lists.route_choices()

    def filters(self) -> catalogue_lists.Filters:
        return catalogue_lists.Filters(q=(self.q.data or "").strip()[:200],
                                       category=self.category.data or "",
                                       population=self.population.data or "",
                                       route=self.route.data or "")


class SolutionForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=2000)],
                            description=_l("What the solution does, in two or three sentences; "
                                           "the public sees this."))
    version = IntegerField(validators=[Optional()])


class RatingForm(FlaskForm):
    """Four scores (radio buttons 1 to 5 on the page) and a comment; `occasion` says which of
    the two ratings this is. A number outside 1 to 5 reaches the service, which refuses it."""

    occasion = HiddenField(validators=[InputRequired()])
    fit = IntegerField(ratings.ASPECT_LABELS["fit"], validators=[InputRequired(_SCORE)])
    support = IntegerField(ratings.ASPECT_LABELS["support"], validators=[InputRequired(_SCORE)])
    price = IntegerField(ratings.ASPECT_LABELS["price"], validators=[InputRequired(_SCORE)])
    results = IntegerField(ratings.ASPECT_LABELS["results"], validators=[InputRequired(_SCORE)])
    comment = TextAreaField(_l("Comment (optional)"), validators=[Length(max=2000)],
                            description=_l("Shown on the catalogue page with your town's name."))

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in ratings.ASPECTS} | {
            "comment": self.comment.data or ""}
