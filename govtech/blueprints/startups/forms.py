"""Startup profile and capability forms."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import URL, InputRequired, Length, Optional, ValidationError

from govtech.forms import (
    CategoryField,
    PrefectureField,
    RegionsField,
    TagsField,
    count_range,
    http_url,
)


class ProfileForm(FlaskForm):
    description = TextAreaField(_l("About the company"), validators=[Length(max=5000)])
    website = StringField(_l("Website"), validators=[Optional(), URL(message=_l(
        "Enter a full web address starting with https://")), http_url, Length(max=300)])
    founded_year = IntegerField(_l("Founded (year)"), validators=[Optional(), count_range()])
    employees = IntegerField(_l("Employees"), validators=[Optional(), count_range()])
    head_office_prefecture = PrefectureField(_l("Head office"), validators=[Optional()])
    regions_served = RegionsField(_l("Regions served"))
    version = HiddenField()

    def values(self) -> dict:
        return {name: getattr(self, name).data or None for name in (
            "description", "website", "founded_year", "employees", "head_office_prefecture")} | {
            "regions_served": self.regions_served.data or [],
            "description": self.description.data or ""}


_SEP = r"\s*[,、，]\s*"
_RECORD = re.compile(rf"^\s*(?P<town>[^,、，]+?){_SEP}(?P<year>\d{{4}})\s*(?:{_SEP}(?P<note>.*))?$")


class TrackRecordField(TextAreaField):
    """One deployment per line: town, year, note — e.g. 由利本荘市, 2023, 防災アプリ導入."""

    def process_formdata(self, valuelist) -> None:
        self.raw = valuelist[0] if valuelist else ""
        self.data = []
        self.bad_lines = []
        for line in self.raw.splitlines():
            if not line.strip():
                continue
            match = _RECORD.match(line)
            if match is None:
                self.bad_lines.append(line.strip())
                continue
            self.data.append({"town": match["town"], "year": int(match["year"]),
                              "note": (match["note"] or "").strip()})

    def _value(self) -> str:
        if getattr(self, "raw", None) is not None:
            return self.raw
        return "\n".join(", ".join(str(x) for x in (r["town"], r["year"], r.get("note")) if x)
                         for r in self.data or [])

    def pre_validate(self, form) -> None:
        if getattr(self, "bad_lines", None):
            # gettext, not lazy_gettext: a lazy string counts as safe HTML in Jinja, and this
            # one carries the user's own text.
            raise ValidationError(_("Write each line as: town, year, note. Not understood: "
                                    "%(line)s", line=self.bad_lines[0]))


class CapabilityForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=20000)])
    categories = CategoryField(_l("Categories"))
    tags = TagsField(_l("Tags"), description=_l("Separated by commas, e.g. テレワーク, LINE"))
    track_record = TrackRecordField(_l("Track record"), description=_l(
        "One per line: town, year, note — e.g. 由利本荘市, 2023, 防災アプリを導入"))
    regions = RegionsField(_l("Regions this solution can serve"))
    version = HiddenField()

    def values(self) -> dict:
        return {"title": self.title.data, "description": self.description.data or "",
                "categories": self.categories.data or [], "tags": self.tags.data or [],
                "track_record": self.track_record.data or [], "regions": self.regions.data or []}


class StartupFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Length(max=200)])
    category = SelectField(_l("Category"), validators=[Optional()])
    prefecture = PrefectureField(_l("Serves prefecture"), validators=[Optional()], blank=_l("All"))
    sort = SelectField(_l("Sort"), validators=[Optional()], choices=[
        ("name", _l("Name")), ("new", _l("Newest"))])


class ProcurementForm(FlaskForm):
    """全省庁統一資格, GビズID プライム, ISMAP and marketplace listings (issue 17)."""

    action = HiddenField(default="profile")
    # the service refuses a grade outside A–D with its own message (validate_choice=False)
    unified_grade = SelectField(_l("全省庁統一資格: grade"), validate_choice=False, choices=[
        ("", _l("None")), ("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")])
    unified_valid_until = DateField(_l("全省庁統一資格: valid until"), validators=[Optional()],
                                    description=_l("The last day of the qualification's period."))
    gbizid_prime = BooleanField(_l("We have GビズID プライム"))
    ismap = SelectField(_l("ISMAP registration"), validate_choice=False, choices=[
        ("", _l("None")), ("ismap", "ISMAP"), ("ismap_liu", "ISMAP-LIU")])
    marketplace_listings = TextAreaField(_l("Marketplace listings"), description=_l(
        "One per line: the marketplace's name or the web address of your listing."),
        validators=[Length(max=7000)])
    version = HiddenField()

    def values(self) -> dict:
        return {"unified_grade": self.unified_grade.data or None,
                "unified_valid_until": self.unified_valid_until.data,
                "gbizid_prime": bool(self.gbizid_prime.data), "ismap": self.ismap.data or None,
                "marketplace_listings": (self.marketplace_listings.data or "").splitlines()}


class BidForm(FlaskForm):
    """A town whose list of qualified bidders the startup is on."""

    action = HiddenField(default="bid")
    town = StringField(_l("Municipality"), validators=[InputRequired(), Length(max=100)],
                       description=_l("Type the name, e.g. 由利本荘市 or 秋田県由利本荘市."),
                       render_kw={"list": "town-names", "autocomplete": "off"})
    valid_until = DateField(_l("Valid until (optional)"), validators=[Optional()])
