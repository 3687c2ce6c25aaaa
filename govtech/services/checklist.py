"""The checklist of each stage: the records a pair keeps to move on, who owes each and by when,
and the stored records and waivers (issue 17, part 3).

Item keys are stable: other parts join on them (the evidence pack reads `agreement`,
`pilot_plan` and `budget_request`; the API lists them). Per stage, in order:

=============  =========================  ========  =========================  ========
stage          key                        owed by   kept as                    required
=============  =========================  ========  =========================  ========
introduced     first_meeting_scheduled    office    derived: a dated milestone
meeting        first_meeting_held         either    derived: a milestone done
meeting        meeting_notes              either    stored: body               yes
proposal       (none: the stage is the proposal received, from the proposals table)
selected       agreement (協定書)          town      stored: recorded_on, body  yes
agreement      pilot_plan                 either    stored: body               yes
agreement      kpis_defined               either    derived: baseline + target
pilot          kpis_defined               either    derived
pilot          milestones_done            either    derived
evaluation     kpi_actuals                either    derived
evaluation     results_report             either    derived: the report        yes
budgeting      budget_request             town      stored: amount, recorded_on  yes
budgeting      contract                   town      stored: recorded_on, amount  yes
budgeting      adoption_decision          town      derived
=============  =========================  ========  =========================  ========

A stored item is one ChecklistEntry row per (pilot, key): `mark` done (recorded) or waived
(with a reason), or None (reopened, or only a due date set). services.pilots.move refuses a
forward move while a required item of the stage is neither done nor waived (`require_ready`);
ending a pair is never blocked. Every record, waiver, undo and due date is one unit of work and
a history event of entity "checklist" (entity_id the pilot, from_state the key, to_state the
action), shown in the pair's timeline.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from govtech.extensions import db
from govtech.models import HistoryEvent, Pilot, PilotStage, User
from govtech.models.enums import ChecklistMark
from govtech.models.procurement import ChecklistEntry
from govtech.services import access, history, transaction, workflow
from govtech.services.access import MANAGER, MUNICIPALITY
from govtech.services.errors import DomainError, PermissionDenied

OFFICE, EITHER = "office", "either"
ENTRIES = "checklist_entries"  # Pilot's collection of its entries (models.procurement)
MAX_AMOUNT = 10**13  # yen: nothing a town buys costs more
ACTIONS = ("recorded", "waived", "reopened", "due")
_STALE = _l("Someone else changed this checklist while you were looking at it. Reload the page.")


@dataclass(frozen=True)
class Spec:
    key: str
    text: Any  # lazy text
    side: str
    required: bool = False
    fields: tuple[str, ...] = ()  # stored items: what the record form asks ("body", ...)
    body_label: Any = None


@dataclass(frozen=True)
class Item:
    key: str  # stable name of the requirement (see the table above)
    text: str
    done: bool
    side: str
    due: date | None = None
    required: bool = False  # enforced by services.pilots.move
    detail: str = ""  # e.g. 「2 / 3」
    fields: tuple[str, ...] = ()  # empty for a derived item
    waived: bool = False
    entry: ChecklistEntry | None = field(default=None, compare=False)
    body_label: str = ""  # what the record form calls its text

    @property
    def stored(self) -> bool:
        return bool(self.fields)

    @property
    def recorded(self) -> bool:
        return self.entry is not None and self.entry.mark == ChecklistMark.done

    @property
    def reason(self) -> str:
        """Why it was waived; empty unless it was."""
        return (self.entry.reason or "") if self.waived and self.entry is not None else ""


_KPIS = Spec("kpis_defined", _l("Agree KPIs with a baseline and a target"), EITHER)
SPECS: dict[PilotStage, tuple[Spec, ...]] = {
    PilotStage.introduced: (
        Spec("first_meeting_scheduled", _l("Schedule the first meeting (a dated milestone)"),
             OFFICE),),
    PilotStage.meeting: (
        Spec("first_meeting_held", _l("Hold the first meeting and tick its milestone off"),
             EITHER),
        Spec("meeting_notes", _l("Keep the notes of the first meeting"), EITHER, True,
             ("body",), _l("Meeting notes")),),
    PilotStage.selected: (
        Spec("agreement", _l("Record the signed agreement"), MUNICIPALITY, True,
             ("recorded_on", "body"), _l("Summary or reference")),),
    PilotStage.agreement: (
        Spec("pilot_plan", _l("Write the pilot plan"), EITHER, True, ("body",),
             _l("Pilot plan")),
        _KPIS,),
    PilotStage.pilot: (
        _KPIS,
        Spec("milestones_done", _l("Plan the milestones and tick them off"), EITHER),),
    PilotStage.evaluation: (
        Spec("kpi_actuals", _l("Record the actual value of every KPI"), EITHER),
        Spec("results_report", _l("Write the results report"), EITHER, True),),
    PilotStage.budgeting: (
        Spec("budget_request", _l("Record the budget request"), MUNICIPALITY, True,
             ("amount", "recorded_on")),
        Spec("contract", _l("Record the contract"), MUNICIPALITY, True,
             ("recorded_on", "amount")),
        Spec("adoption_decision", _l("Record the adoption decision"), MUNICIPALITY),),
}
KEYS = {spec.key: spec for specs in SPECS.values() for spec in specs}


def text(key: str) -> str:
    """The item's text for a key (the timeline names items by key)."""
    spec = KEYS.get(key)
    return str(spec.text) if spec is not None else key


def entries(pilot: Pilot) -> dict[str, ChecklistEntry]:
    """The pilot's stored entries by key (loaded with the pilot: no query)."""
    return {entry.key: entry for entry in getattr(pilot, ENTRIES)}


def items(pilot: Pilot, derived: dict[str, tuple[bool, str, date | None]],
          default_due: date | None) -> list[Item]:
    """The current stage's items: `derived` gives (done, detail, due) for derived keys; stored
    ones are done when recorded; a waived item counts as done; a set due date wins."""
    stored = entries(pilot)
    result = []
    for spec in SPECS.get(PilotStage(pilot.stage), ()):
        entry = stored.get(spec.key)
        done, detail, due = derived.get(spec.key, (False, "", default_due))
        mark = entry.mark if entry is not None else None
        if spec.fields:
            done = mark == ChecklistMark.done
        waived = mark == ChecklistMark.waived
        if entry is not None and entry.due_on is not None:
            due = entry.due_on
        result.append(Item(spec.key, str(spec.text), done or waived, spec.side, due,
                           spec.required, detail, spec.fields, waived, entry,
                           str(spec.body_label or "")))
    return result


def blocking(found: list[Item]) -> list[Item]:
    """The required items not yet done nor waived: what stops the forward move."""
    return [item for item in found if item.required and not item.done]


def require_ready(found: list[Item], *, ending: bool = False) -> None:
    """The gate (services.pilots.move): a forward move needs every required item; ending a pair
    needs none, but for the results report of a pilot in evaluation (as ever)."""
    missing = [item for item in blocking(found) if not ending or item.key == "results_report"]
    if any(item.key == "results_report" for item in missing):
        raise DomainError(_("Write the results report (what was verified, what was learned, "
                            "what changed) before the pilot leaves evaluation."), field="verified")
    if missing:
        raise DomainError(_("Record or waive these first: %(items)s.",
                            items=_("; ").join(item.text for item in missing)))


# --- who may change what -------------------------------------------------------------------------

def _may(who: str | None, spec: Spec) -> bool:
    return who == MANAGER or (who is not None and spec.side in (EITHER, OFFICE, who))


def changeable(user: User | None, pilot: Pilot) -> set[str]:
    """The keys of the current stage this user may record, waive, reopen or date (the page
    offers those forms only)."""
    if not pilot.is_open or workflow.frozen(pilot):
        return set()
    who = access.side(user, pilot.challenge.organisation_id, pilot.startup_id)
    return {s.key for s in SPECS.get(PilotStage(pilot.stage), ()) if _may(who, s)}


def _spec(actor: User, pilot: Pilot, key: str) -> Spec:
    """The item of the pilot's current stage, if the actor may change it now."""
    who = access.require_party(actor, pilot.challenge.organisation_id, pilot.startup_id,
                               _("Only the two parties and the programme office can change "
                                 "this pilot."))
    workflow.require_not_frozen(pilot)
    if not pilot.is_open:
        raise DomainError(_("This pair has ended: its checklist can no longer change."))
    spec = next((s for s in SPECS.get(PilotStage(pilot.stage), ()) if s.key == key), None)
    if spec is None:
        raise DomainError(_("This item is not on the checklist of the pair's current stage."))
    if not _may(who, spec):
        raise PermissionDenied(_("Only the municipality or the programme office can change "
                                 "this item."))
    return spec


def _entry(actor: User, pilot: Pilot, key: str) -> ChecklistEntry:
    entry = entries(pilot).get(key)
    if entry is None:
        entry = ChecklistEntry(pilot=pilot, key=key, body="", reason="")
        db.session.add(entry)
    entry.updated_by_id = actor.id
    return entry


# --- changes -----------------------------------------------------------------------------------

@transaction.unit_of_work(_STALE)
def record(actor: User, pilot: Pilot, key: str, *, body: str = "",
           recorded_on: date | None = None, amount: int | None = None) -> ChecklistEntry:
    """Record a stored item (notes, the agreement's date, the budget request's amount...)."""
    spec = _spec(actor, pilot, key)
    if not spec.fields:
        raise DomainError(_("This item follows from the pair's other records: there is "
                            "nothing to record here."))
    body = (body or "").strip()
    if "body" in spec.fields and not body and "recorded_on" not in spec.fields:
        raise DomainError(_("Write the record before saving it."), field="body")
    if "recorded_on" in spec.fields and recorded_on is None:
        raise DomainError(_("Give the date."), field="recorded_on")
    if "amount" in spec.fields and amount is None:
        raise DomainError(_("Give the amount in yen."), field="amount")
    if amount is not None and not 0 <= amount <= MAX_AMOUNT:
        raise DomainError(_("The amount must be between 0 and 10 trillion yen."), field="amount")
    entry = _entry(actor, pilot, key)
    entry.mark, entry.reason = ChecklistMark.done, ""
    entry.body = body if "body" in spec.fields else ""
    entry.recorded_on = recorded_on if "recorded_on" in spec.fields else None
    entry.amount = amount if "amount" in spec.fields else None
    _history(actor, pilot, key, "recorded", body)
    return entry


@transaction.unit_of_work(_STALE)
def waive(actor: User, pilot: Pilot, key: str, reason: str) -> ChecklistEntry:
    """Waive a required item, with the reason (a waiver without one is refused)."""
    spec = _spec(actor, pilot, key)
    if not spec.required:
        raise DomainError(_("Only a required item can be waived."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the waiver."), field="reason")
    entry = _entry(actor, pilot, key)
    entry.mark, entry.reason = ChecklistMark.waived, reason
    _history(actor, pilot, key, "waived", reason)
    return entry


@transaction.unit_of_work(_STALE)
def reopen(actor: User, pilot: Pilot, key: str) -> ChecklistEntry:
    """Undo a record or a waiver: the item is open again (what was written stays, to edit)."""
    _spec(actor, pilot, key)
    entry = entries(pilot).get(key)
    if entry is None or entry.mark is None:
        raise DomainError(_("This item is already open: there is nothing to undo."))
    entry.mark, entry.updated_by_id = None, actor.id
    _history(actor, pilot, key, "reopened", "")
    return entry


@transaction.unit_of_work(_STALE)
def set_due(actor: User, pilot: Pilot, key: str, due_on: date | None) -> ChecklistEntry:
    """Set (or clear) the item's due date; without one it follows the milestones."""
    _spec(actor, pilot, key)
    entry = _entry(actor, pilot, key)
    entry.due_on = due_on
    _history(actor, pilot, key, "due", due_on.isoformat() if due_on else "")
    return entry


def _history(actor: User, pilot: Pilot, key: str, action: str, note: str) -> None:
    """from_state the item's key, to_state the action, the note what was written."""
    history.record("checklist", pilot.id, actor, key, action, note)


def events(pilot: Pilot) -> list[HistoryEvent]:
    """The pair's checklist events, oldest first (the caller checked access)."""
    return list(db.session.scalars(
        select(HistoryEvent).options(joinedload(HistoryEvent.actor))
        .where(HistoryEvent.entity_type == "checklist", HistoryEvent.entity_id == pilot.id)
        .order_by(HistoryEvent.created_at, HistoryEvent.id)))
