"""Walking a pair through the pipeline in tests: the gate (services.pilots.move) wants each
stage's required records first; `fill` records them as the mover."""
from __future__ import annotations

from datetime import date

from govtech.services import checklist, pipeline_status
from govtech.services.errors import DomainError

SAMPLE = {"body": "記録", "recorded_on": date(2026, 4, 1), "amount": 3_000_000}


def fill(actor, pilot) -> None:
    """Record every required stored item of the pilot's current stage that is still open, as
    far as the actor may (a refusal is left to the move that follows)."""
    for item in pipeline_status.blocking(pilot):
        if item.stored:
            try:
                checklist.record(actor, pilot, item.key,
                                 **{name: SAMPLE[name] for name in item.fields})
            except DomainError:
                return


def move(actor, pilot, target: str, **kwargs):
    """pilots.move, after recording what the stage requires (endings need nothing)."""
    from govtech.services import pilots

    if target not in ("not_adopted", "withdrawn"):
        fill(actor, pilot)
    return pilots.move(actor, pilot, target, **kwargs)


def fill_stage(app, record, pilot_id: int) -> None:
    """`fill` for a pilot by id, as a user record of tests.factories (a view test's fixture)."""
    from govtech.extensions import db
    from govtech.models import Pilot, User

    with app.test_request_context():
        fill(db.session.get(User, record.id), db.session.get(Pilot, pilot_id))
