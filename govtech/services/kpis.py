"""A pilot's KPIs: what the pair measures, with every addition and change kept in history.

A KPI is written as entity "kpi" (entity_id the KPI's id): to_state "added" or "changed", the
note the values (old → new). The pilot's page lists these next to its stage timeline (`timeline`).

The public sees a pilot's figures only as a case study's snapshot, taken when the three sides
approve it (services.marketing). So a change here never reaches the public by itself: while a
case study of the pilot is being approved, the approvals given so far are cleared (they were
given for other figures); once it is approved or published, its page says the figures changed
and a new approval is needed (`marketing.refresh_figures`).
"""
from __future__ import annotations

import math

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from govtech import formatting
from govtech.extensions import db
from govtech.models import (
    HistoryEvent,
    MarketingActivity,
    Pilot,
    PilotKPI,
    User,
)
from govtech.models.marketing import KPI_FIGURES
from govtech.services import access, history, transaction, workflow
from govtech.services.errors import DomainError

FIELDS = ("name", "unit", *KPI_FIGURES)
MAX_NUMBER = 1e12  # as govtech.forms.finite: nothing a pilot measures is larger
_STALE = _l("Someone else moved this pair while you were looking at it. Reload the page to see "
            "its current stage.")


def check(values: dict) -> None:
    """A name, and numbers that are ordinary ones (no inf, no nan, nothing absurdly large)."""
    if not (values.get("name") or "").strip():
        raise DomainError(_("Give the KPI a name."), field="name")
    for key in KPI_FIGURES:
        value = values.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not (
                math.isfinite(value) and abs(value) <= MAX_NUMBER):
            raise DomainError(_("Enter an ordinary number (at most 1,000,000,000,000)."),
                              field=key)


def _require_party(actor: User, pilot: Pilot) -> None:
    access.require_party(actor, pilot.challenge.organisation_id, pilot.startup_id,
                         _("Only the two parties and the programme office can change "
                           "this pilot."))
    workflow.require_not_frozen(pilot)


def _shown(value: object) -> str:
    if value is None or value == "":
        return "—"
    return formatting.number(value) if isinstance(value, float | int) else str(value)


def _labels() -> dict[str, str]:
    return {"name": _("KPI"), "unit": _("Unit"), "baseline": _("Baseline"),
            "target": _("Target"), "actual": _("Actual")}


def _values(kpi: PilotKPI) -> dict:
    return {key: getattr(kpi, key) for key in FIELDS}


@transaction.unit_of_work(_STALE)
def add(actor: User, pilot: Pilot, **values) -> PilotKPI:
    """A KPI the pair agreed to measure: baseline, target and, later, the actual value."""
    _require_party(actor, pilot)
    check(values)
    kpi = PilotKPI(pilot=pilot, **{key: values.get(key) for key in FIELDS})
    kpi.name = kpi.name.strip()
    kpi.unit = kpi.unit or ""
    db.session.add(kpi)
    db.session.flush()
    labels = _labels()
    history.record("kpi", kpi.id, actor, None, "added", "; ".join(
        f"{labels[key]}: {_shown(getattr(kpi, key))}" for key in FIELDS))
    _figures_changed(actor, pilot)
    return kpi


def get(pilot: Pilot, kpi_id: int) -> PilotKPI:
    """One KPI of this pilot (the caller has checked the user may see the pilot)."""
    kpi = db.session.get(PilotKPI, kpi_id)
    return access.visible_or_404(kpi, kpi is not None and kpi.pilot_id == pilot.id,
                                 _("This KPI does not exist."))


@transaction.unit_of_work(_STALE)
def update(actor: User, kpi: PilotKPI, **values) -> PilotKPI:
    """Correct a KPI or record its actual value; either party may. What changed is kept in
    history (old → new); nothing changed, nothing is written."""
    _require_party(actor, kpi.pilot)
    before = _values(kpi)
    check(before | {key: value for key, value in values.items() if key in FIELDS})
    for key in FIELDS:
        if key in values:
            value = values[key]
            setattr(kpi, key, (value or "") if key == "unit" else
                    value.strip() if key == "name" else value)
    labels = _labels()
    changes = [f"{labels[key]}: {_shown(before[key])} → {_shown(getattr(kpi, key))}"
               for key in FIELDS if before[key] != getattr(kpi, key)]
    if changes:
        history.record("kpi", kpi.id, actor, None, "changed", "; ".join(changes))
        _figures_changed(actor, kpi.pilot)
    return kpi


def _figures_changed(actor: User, pilot: Pilot) -> None:
    """Approvals given for other figures no longer count: a case study being approved (in review,
    or published with new figures in review) asks all three sides again."""
    for activity in db.session.scalars(select(MarketingActivity).where(
            MarketingActivity.pilot_id == pilot.id)):
        if activity.publishes_figures and activity.collecting_approvals and \
                activity.approval_count:
            activity.clear_approvals()
            history.record("marketing", activity.id, actor, activity.state, activity.state,
                           _("The pilot's KPIs changed during review; the approvals were "
                             "cleared."))


def timeline(user: User | None, pilot: Pilot) -> list[HistoryEvent]:
    """The changes of the pilot's KPIs, oldest first, for the pair's parties and managers."""
    seen = access.side(user, pilot.challenge.organisation_id, pilot.startup_id) is not None
    access.visible_or_404(pilot, seen, _("This pilot does not exist."))
    ids = [kpi.id for kpi in pilot.kpis]
    if not ids:
        return []
    return list(db.session.scalars(
        select(HistoryEvent).options(joinedload(HistoryEvent.actor))
        .where(HistoryEvent.entity_type == "kpi",
                                   HistoryEvent.entity_id.in_(ids))
        .order_by(HistoryEvent.created_at, HistoryEvent.id)))
