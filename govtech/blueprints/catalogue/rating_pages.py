"""A town's rating of the solution its pair adopted, sent from the pair's page (issue 17, part
7). A refusal shows the pair's page again with the form as it was filled in."""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech.blueprints import pages
from govtech.blueprints.catalogue.forms import RatingForm
from govtech.blueprints.catalogue.views import bp
from govtech.services import pilots, ratings


@bp.post("/pilots/<int:pilot_id>/rating")
def rate_pilot(pilot_id: int):
    from govtech.blueprints.pilots import views as pair_page

    pilot = pilots.get_visible(current_user, pilot_id)
    form = RatingForm(prefix="rating")
    if pages.submit(form, lambda: ratings.rate(current_user, pilot, form.occasion.data or "",
                                               **form.values()),
                    _("Thank you: your rating is saved.")):
        return redirect(url_for("pilots.show_pilot", pilot_id=pilot.id, _anchor="rating"))
    if not ratings.may_rate(current_user, pilot):  # no rating form on the page to show it in
        for error in [*form.form_errors, *(e for f in form for e in f.errors)]:
            flash(error, "error")
    return pair_page._page(pilot, pages.refusal_status(form), rating_form=form)
