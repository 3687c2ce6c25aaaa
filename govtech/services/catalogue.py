"""The catalogue of adopted solutions (issue 17, part 7): a startup's solution joins it when a
pair adopts it, and a manager may edit its name and summary.

A solution is what one startup sells, proven by the pilots that name it (Pilot.solution_id).
A startup has one solution per capability: a second town that adopts the same capability adds
its pilot to the same solution. The public list and detail pages read `catalogue_lists`.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from govtech.extensions import db
from govtech.models import Capability, Challenge, Organisation, Pilot, PilotStage, User
from govtech.models.procurement import Solution
from govtech.services import access, history, transaction
from govtech.services.errors import DomainError

ENTITY = "solution"  # history events of a solution
LISTED, EDITED = "listed", "edited"  # what its events record
NAME_MAX, SUMMARY_MAX = 200, 2000
_STALE = _l("Someone else edited this solution while you were looking at it. Reload the page "
            "to see the current text.")


def best_capability(startup: Organisation, challenge: Challenge) -> Capability | None:
    """The startup's capability that best fits the challenge: the most shared categories, else
    the first one it described (None when it has none)."""
    capabilities = sorted(startup.capabilities, key=lambda c: c.id)
    if not capabilities:
        return None
    wanted = set(challenge.categories or [])
    return max(capabilities, key=lambda c: len(wanted & set(c.categories or [])))


def _solution_for(startup: Organisation, capability: Capability | None,
                  challenge: Challenge) -> tuple[Solution, bool]:
    """The startup's solution for this capability (or its capability-less one), made when it
    has none yet; and whether it was made now."""
    found = db.session.scalar(select(Solution).where(
        Solution.startup_id == startup.id,
        Solution.capability_id == capability.id if capability is not None
        else Solution.capability_id.is_(None)).order_by(Solution.id).limit(1))
    if found is not None:
        return found, False
    if capability is not None:
        name, summary = capability.title, capability.description
        categories = list(capability.categories or [])
    else:
        name, summary, categories = startup.name, startup.description or "", []
    made = Solution(startup_id=startup.id, capability_id=capability.id if capability else None,
                    name=name[:NAME_MAX], summary=(summary or "")[:SUMMARY_MAX],
                    categories=categories)
    db.session.add(made)
    db.session.flush()
    return made, True


def adopted(actor: User | None, pilot: Pilot) -> Solution | None:
    """Called by services.pilots.move inside its unit of work when a pair is adopted: the
    pilot joins its startup's solution (made if needed), whose categories grow by the
    challenge's, so the catalogue filters find it by what it was adopted for."""
    if pilot.stage != PilotStage.adopted:
        return None
    if pilot.solution_id is not None:
        return db.session.get(Solution, pilot.solution_id)
    challenge, startup = pilot.challenge, pilot.startup
    solution, made = _solution_for(startup, best_capability(startup, challenge), challenge)
    merged = list(dict.fromkeys([*(solution.categories or []), *(challenge.categories or [])]))
    if merged != list(solution.categories or []):
        solution.categories = merged
    pilot.solution_id = solution.id
    history.record(ENTITY, solution.id, actor, None if made else LISTED, LISTED,
                   _("Adopted by %(town)s (pair %(pilot)d)", town=challenge.organisation.name,
                     pilot=pilot.id))
    return solution


@transaction.unit_of_work()
def backfill(actor: User | None = None) -> int:
    """Adopted pilots from before the catalogue get their solution (the demo, an upgrade).
    Returns how many pilots joined one."""
    pending = db.session.scalars(
        select(Pilot).where(Pilot.stage == PilotStage.adopted, Pilot.solution_id.is_(None))
        .options(selectinload(Pilot.startup).selectinload(Organisation.capabilities),
                 selectinload(Pilot.challenge).selectinload(Challenge.organisation))
        .order_by(Pilot.id)).all()
    for pilot in pending:
        adopted(actor, pilot)
        db.session.flush()
    return len(pending)


def can_edit(user: User | None) -> bool:
    """The programme office keeps the catalogue's texts."""
    return access.manager(user)


@transaction.unit_of_work(_STALE)
def update(actor: User, solution: Solution, *, name: str, summary: str,
           expected_version: int | None) -> Solution:
    """A manager renames a solution or rewrites its summary; the change is in its history."""
    access.require(can_edit(actor), _("Only the programme office can edit the catalogue."))
    transaction.check_version(solution, expected_version)
    name, summary = (name or "").strip(), (summary or "").strip()
    if not name:
        raise DomainError(_("Give the solution a name."), field="name")
    if len(name) > NAME_MAX:
        raise DomainError(_("The name can be at most %(n)d characters.", n=NAME_MAX),
                          field="name")
    if len(summary) > SUMMARY_MAX:
        raise DomainError(_("The summary can be at most %(n)d characters.", n=SUMMARY_MAX),
                          field="summary")
    before = solution.name
    solution.name, solution.summary = name, summary
    history.record(ENTITY, solution.id, actor, LISTED, EDITED,
                   before if before != name else "")
    return solution
