"""The programme office reviews pairs: introduce starts the journey, reject needs a reason."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from govtech.extensions import db
from govtech.models import HistoryEvent, Pilot, Recommendation, User
from govtech.services import introductions, recommendations
from govtech.services.errors import DomainError, InvalidTransition, PermissionDenied
from tests import factories


@pytest.fixture
def rec(app, ctx):
    town = factories.user(app, "municipality")
    startup = factories.user(app, "startup")
    cid = factories.challenge(app, town)
    return db.session.get(Recommendation, factories.recommendation(app, cid, startup.org_id))


@pytest.fixture
def manager(app, ctx):
    return db.session.get(User, factories.user(app, "manager").id)


def _events(rec):
    return [(e.from_state, e.to_state) for e in db.session.scalars(
        select(HistoryEvent).filter_by(entity_type="recommendation", entity_id=rec.id))]


def test_introduce_starts_a_pilot_at_introduction(rec, manager):
    pilot = introductions.introduce(manager, rec, "初回面談を調整します")
    assert rec.state == "introduced" and pilot.stage == "introduced"
    assert (pilot.challenge_id, pilot.startup_id) == (rec.challenge_id, rec.startup_id)
    assert _events(rec) == [("suggested", "introduced")]
    pilot_events = db.session.scalars(select(HistoryEvent).filter_by(entity_type="pilot",
                                                                     entity_id=pilot.id)).all()
    assert [e.note for e in pilot_events] == ["初回面談を調整します"]


def test_only_managers_introduce(app, rec):
    party = db.session.get(User, factories.user(app, "municipality").id)
    with pytest.raises(PermissionDenied):
        introductions.introduce(party, rec)
    assert db.session.scalar(select(Pilot)) is None


def test_reject_needs_a_reason_and_keeps_it(rec, manager):
    with pytest.raises(DomainError):
        recommendations.reject(manager, rec, "  ")
    recommendations.reject(manager, rec, "対象地域外")
    assert rec.state == "rejected" and rec.reason == "対象地域外"
    with pytest.raises(InvalidTransition):
        introductions.introduce(manager, rec)


def test_note_is_private_to_managers(app, rec, manager):
    recommendations.set_note(manager, rec, "先方の予算時期に注意")
    assert rec.manager_note == "先方の予算時期に注意"
    startup = db.session.get(User, factories.user(app, "startup").id)
    with pytest.raises(PermissionDenied):
        recommendations.set_note(startup, rec, "x")


def test_bulk_reports_each_pair(app, rec, manager):
    other = factories.user(app, "startup")
    second = factories.recommendation(app, rec.challenge_id, other.org_id)
    recommendations.reject(manager, db.session.get(Recommendation, second), "重複")
    done, problems = introductions.bulk(manager, [rec.id, second], "introduce")
    assert done == 1 and len(problems) == 1
    assert rec.state == "introduced"
