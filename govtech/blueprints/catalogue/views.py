"""The public catalogue of adopted solutions (issue 17, part 7): a list anyone can browse and
filter, a page per solution, a manager's edit of its texts; the towns' ratings are given on the
pair's page (rating_pages)."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech.blueprints import pages
from govtech.blueprints.catalogue.forms import CatalogueFilterForm, SolutionForm
from govtech.services import access, catalogue, catalogue_lists, ratings

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")


def _labels() -> dict:
    """What the templates need to name routes, bands and aspects."""
    return {"route_label": catalogue_lists.route_label,
            "occasion_label": ratings.occasion_label}


@bp.get("/")
def list_solutions():
    form = CatalogueFilterForm(request.args)
    form.validate()
    page = pages.list_page(catalogue_lists.list_query(form.filters()), per_page=12)
    return render_template("catalogue/list.html", form=form, page=page, args=pages.list_args(),
                           applied=pages.applied_filters(),
                           cards=catalogue_lists.summaries(page.items),
                           can_edit=catalogue.can_edit(current_user), **_labels())


@bp.get("/<int:solution_id>")
def show_solution(solution_id: int):
    solution = catalogue_lists.get_listed(solution_id)
    card = catalogue_lists.summaries([solution])[solution.id]
    return render_template("catalogue/show.html", solution=solution, card=card,
                           comments=ratings.comments(solution.id),
                           can_edit=catalogue.can_edit(current_user),
                           see_startup=access.member(current_user), **_labels())


@bp.route("/<int:solution_id>/edit", methods=["GET", "POST"])
def edit_solution(solution_id: int):
    solution = catalogue_lists.get_listed(solution_id)
    form = SolutionForm(obj=solution)
    if pages.submit(form, lambda: catalogue.update(
            current_user, solution, name=form.name.data or "", summary=form.summary.data or "",
            expected_version=form.version.data), _("The solution is saved.")):
        return redirect(url_for("catalogue.show_solution", solution_id=solution.id))
    return render_template("catalogue/edit.html", solution=solution,
                           form=form), pages.refusal_status(form)


from govtech.blueprints.catalogue import rating_pages  # noqa: E402,F401 - adds its routes
