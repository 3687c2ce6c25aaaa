"""Public case studies: list and read the published, public ones (services.cases, as the
case-study pages). Anyone may read them, without a token."""
from __future__ import annotations

from flask import Response

from govtech.api import paging
from govtech.api.declare import ok, operation
from govtech.api.pilots import challenge_ref
from govtech.api.schemas_cases import CaseOut, CaseQuery, KpiFigure
from govtech.api.schemas_common import Page
from govtech.api.schemas_pilots import OrganisationRef
from govtech.models import MarketingActivity
from govtech.services import cases

TAG = "case studies"


def case_out(case: MarketingActivity, *, body: bool = False) -> CaseOut:
    pilot = case.pilot
    return CaseOut(
        id=case.id, updated_at=case.updated_at, version=case.version, title=case.title,
        body=(case.body or "") if body else None, published_at=case.published_at,
        challenge=challenge_ref(pilot.challenge),
        startup=OrganisationRef.model_validate(pilot.startup),
        kpis=[KpiFigure.model_validate(figure) for figure in case.kpi_snapshot or []])


@operation("GET", "/cases", tag=TAG, public=True, query=CaseQuery, response=Page[CaseOut],
           mirrors=("cases.list_cases",))
def list_cases(query: CaseQuery) -> Response:
    """List case studies

    Published, public case studies, with the page's search. Ordered by `updated_at`, then `id`.
    """
    stmt = cases.list_query(query.q.strip())
    page = paging.paginate(stmt, key=(MarketingActivity.updated_at, MarketingActivity.id),
                           query=query)
    return paging.respond(page, [case_out(case) for case in page.items])


@operation("GET", "/cases/<int:case_id>", tag=TAG, public=True, response=CaseOut,
           mirrors=("cases.show_case",))
def get_case(case_id: int) -> Response:
    """Read a case study

    Only published, public ones exist here (404 otherwise).
    """
    case = cases.get_public(case_id)
    return ok(case_out(case, body=True), record=case)
