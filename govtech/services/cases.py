"""Public case studies (導入事例): published, public case-study activities and their KPIs.

This is the only window the public has on pilots: everything else about a pair stays private
(a 404 for anyone who is not a party or a manager). The KPIs shown are the case study's snapshot,
the figures the three sides approved (services.marketing), never the pilot's live KPIs; the same
snapshot is all other towns see of a pilot's figures (`published_figures`).
"""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased, joinedload

from govtech.extensions import db
from govtech.models import (
    Challenge,
    MarketingActivity,
    MarketingKind,
    MarketingState,
    Organisation,
    Pilot,
)
from govtech.services import access, listsearch


def _public() -> Select[tuple[MarketingActivity]]:
    return select(MarketingActivity).where(
        MarketingActivity.kind == MarketingKind.case_study,
        MarketingActivity.state == MarketingState.published,
        MarketingActivity.is_public.is_(True))


def list_query(q: str = "") -> Select[tuple[MarketingActivity]]:
    """Published public case studies matching `q` (title, challenge, either party), newest first."""
    query = _public().options(joinedload(MarketingActivity.pilot).joinedload(Pilot.challenge)
                              .joinedload(Challenge.organisation),
                              joinedload(MarketingActivity.pilot).joinedload(Pilot.startup))
    if q.split():
        municipality, startup = aliased(Organisation), aliased(Organisation)
        query = (query.join(MarketingActivity.pilot).join(Pilot.challenge)
                 .join(municipality, Challenge.organisation).join(startup, Pilot.startup)
                 .where(listsearch.words_match(q, MarketingActivity.title, Challenge.title,
                                               municipality.name, startup.name)))
    return query.order_by(MarketingActivity.published_at.desc(), MarketingActivity.id.desc())


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(_public().subquery())) or 0


def get_public(case_id: int) -> MarketingActivity:
    """The case study if it is published and public; otherwise it does not exist."""
    case = db.session.scalar(_public().where(MarketingActivity.id == case_id))
    return access.visible_or_404(case, True, _("This case study does not exist."))


def published_figures(pilot_id: int) -> list[dict]:
    """The KPI figures of the pilot's latest published public case study (its approved
    snapshot), or none while the pilot has no such case study."""
    return published_figures_by_pilot([pilot_id]).get(pilot_id, [])


def published_figures_by_pilot(pilot_ids: Iterable[int]) -> dict[int, list[dict]]:
    """`published_figures` of many pilots in one query (a list of cards, say): pilots without
    a published case study are left out."""
    wanted = set(pilot_ids)
    if not wanted:
        return {}
    rows = db.session.execute(
        _public().with_only_columns(MarketingActivity.pilot_id, MarketingActivity.kpi_snapshot)
        .where(MarketingActivity.pilot_id.in_(wanted))
        .order_by(MarketingActivity.pilot_id, MarketingActivity.published_at.desc(),
                  MarketingActivity.id.desc())).tuples()
    figures: dict[int, list[dict]] = {}
    for pilot_id, snapshot in rows:
        figures.setdefault(pilot_id, list(snapshot or []))  # the latest comes first
    return figures
