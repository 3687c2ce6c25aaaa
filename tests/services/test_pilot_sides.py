"""Issue 11, finding 8: which side may make each pilot move (one table, workflow.PILOT_MOVERS),
the adoption decision is the municipality's, a suspended organisation's pilots freeze, and the
public counts only hold pairs that got there through valid moves."""
from __future__ import annotations

import pytest

from govtech.extensions import db
from govtech.models import Milestone, OrgState, Pilot, User
from govtech.services import organisations, pilots, programme, workflow
from govtech.services.errors import DomainError, PermissionDenied
from tests import factories, walk

SIDES = ("municipality", "startup", "manager")
# What the issue asks, written out here independently of the table it checks.
DECIDED_BY_THE_MUNICIPALITY = {"selected", "agreement", "budgeting", "adopted", "not_adopted"}
MOVES = [(current.value, target.value) for current, targets in workflow.PILOT.items()
         for target in sorted(targets)]


def _expected(target: str, who: str) -> bool:
    return who != "startup" or target not in DECIDED_BY_THE_MUNICIPALITY


@pytest.fixture
def pair(app, ctx):
    records = {"municipality": factories.user(app, "municipality"),
               "startup": factories.user(app, "startup"),
               "manager": factories.user(app, "manager")}
    return records, factories.challenge(app, records["municipality"])


def _pilot(app, pair, stage: str) -> Pilot:
    records, challenge_id = pair
    pid = factories.pilot(app, records["manager"], challenge_id, records["startup"].org_id,
                          stage=stage, report=stage == "evaluation")
    return db.session.get(Pilot, pid)


def _user(pair, who: str) -> User:
    return db.session.get(User, pair[0][who].id)


def test_the_table_covers_every_move():
    assert len(MOVES) == 24
    for _current, target in MOVES:
        assert workflow.PILOT_MOVERS[target], target


@pytest.mark.parametrize("who", SIDES)
@pytest.mark.parametrize("current,target", MOVES)
def test_each_move_is_made_by_the_sides_the_table_names(app, pair, current, target, who):
    pilot = _pilot(app, pair, current)
    actor = _user(pair, who)
    allowed = _expected(target, who)
    assert pilots.may_move(actor, pilot, target) is allowed
    assert (target in pilots.allowed_targets(actor, pilot)) is allowed
    reason = "budget" if target == "not_adopted" else None
    if allowed:
        walk.move(actor, pilot, target, expected_version=pilot.version, reason=reason)
        assert pilot.stage == target
    else:
        with pytest.raises(PermissionDenied, match="自治体と事務局だけ"):
            walk.move(actor, pilot, target, expected_version=pilot.version, reason=reason)
        db.session.refresh(pilot)
        assert pilot.stage == current


def test_a_startup_cannot_inflate_the_public_pilot_count(app, pair):
    startup = _user(pair, "startup")
    pilot = _pilot(app, pair, "proposal")
    before = programme.public_counts()["pilots"]
    for target in ("selected", "agreement", "budgeting"):
        with pytest.raises((PermissionDenied, DomainError)):
            walk.move(startup, pilot, target, expected_version=pilot.version)
        db.session.refresh(pilot)
    pilot = _pilot_at(app, pair, pilot, "evaluation")
    counted = programme.public_counts()["pilots"]
    with pytest.raises(PermissionDenied):
        walk.move(startup, pilot, "budgeting", expected_version=pilot.version)
    db.session.refresh(pilot)
    assert pilot.stage == "evaluation" and before == 0 and counted == 1
    assert programme.public_counts()["pilots"] == counted


def _pilot_at(app, pair, pilot, stage):
    factories.move_pilot(app, pair[0]["manager"], pilot.id, stage)
    db.session.expire_all()
    return db.session.get(Pilot, pilot.id)


# --- the adoption decision ------------------------------------------------------------------

def test_a_startup_writes_the_report_but_not_the_adoption_decision(app, pair):
    pilot = _pilot(app, pair, "evaluation")
    pilots.save_report(_user(pair, "municipality"), pilot, adoption_decision="本格導入する")
    startup = _user(pair, "startup")
    with pytest.raises(PermissionDenied) as refused:
        pilots.save_report(startup, pilot, verified="検証2", adoption_decision="導入しない")
    assert refused.value.field == "adoption_decision"
    db.session.refresh(pilot)
    assert pilot.adoption_decision == "本格導入する" and pilot.verified == "検証した"
    pilots.save_report(startup, pilot, verified="検証2", adoption_decision="本格導入する")
    pilots.save_report(startup, pilot, learned="学び2")  # no decision sent: it stays
    assert (pilot.verified, pilot.learned, pilot.adoption_decision) == (
        "検証2", "学び2", "本格導入する")
    assert not pilots.may_decide(startup, pilot)
    for who in ("municipality", "manager"):
        assert pilots.may_decide(_user(pair, who), pilot)
        pilots.save_report(_user(pair, who), pilot, adoption_decision=f"{who}の判断")
        assert pilot.adoption_decision == f"{who}の判断"


# --- a suspended organisation freezes its pilots ------------------------------------------------

@pytest.mark.parametrize("suspended", ["municipality", "startup"])
def test_a_suspended_party_freezes_the_pilot(app, pair, suspended):
    records, _ = pair
    pilot = _pilot(app, pair, "pilot")
    milestone_id = factories.milestone(app, records["manager"], pilot.id)
    manager = _user(pair, "manager")
    organisations.set_state(manager, db.session.get(User, records[suspended].id).organisation,
                            OrgState.suspended)
    other = _user(pair, "startup" if suspended == "municipality" else "municipality")
    assert pilots.is_frozen(pilot)
    for actor in (manager, other):
        assert pilots.allowed_targets(actor, pilot) == []
        assert pilots.get_visible(actor, pilot.id) is pilot  # reading stays possible
        milestone = db.session.get(Milestone, milestone_id)
        for change, args in (
                (pilots.move, (pilot, "evaluation")), (pilots.move, (pilot, "withdrawn")),
                (pilots.save_report, (pilot,)), (pilots.add_milestone, (pilot, "凍結中", None)),
                (pilots.toggle_milestone, (milestone,))):
            kwargs = {"expected_version": pilot.version} if change is pilots.move else \
                {"verified": "凍結中"} if change is pilots.save_report else {}
            with pytest.raises(DomainError, match="停止中"):
                change(actor, *args, **kwargs)
    db.session.refresh(pilot)
    assert pilot.stage == "pilot" and pilot.verified == "" and len(pilot.milestones) == 1
    organisations.set_state(manager, db.session.get(User, records[suspended].id).organisation,
                            OrgState.approved)
    walk.move(manager, pilot, "evaluation", expected_version=pilot.version)  # thawed


def test_a_frozen_pilots_kpis_cannot_change(app, pair):
    records, _ = pair
    pilot = _pilot(app, pair, "pilot")
    manager = _user(pair, "manager")
    organisations.set_state(manager, db.session.get(User, records["startup"].id).organisation,
                            OrgState.suspended)
    with pytest.raises(DomainError, match="停止中"):
        pilots.add_kpi(manager, pilot, name="利用者数", unit="人")
    assert db.session.get(Pilot, pilot.id).kpis == []


def test_accepting_a_proposal_does_not_move_a_frozen_pair(app, pair):
    from govtech.models import Challenge
    from govtech.services import proposals

    records, challenge_id = pair
    pilot = _pilot(app, pair, "meeting")
    challenge = db.session.get(Challenge, challenge_id)
    proposal = proposals.submit(_user(pair, "startup"), challenge, approach="提案")
    town = _user(pair, "municipality")
    proposals.transition(town, proposal, "shortlisted")
    organisations.set_state(_user(pair, "manager"),
                            db.session.get(User, records["startup"].id).organisation,
                            OrgState.suspended)
    with pytest.raises(DomainError, match="停止中"):
        proposals.transition(town, proposal, "accepted")
    db.session.refresh(pilot)
    db.session.refresh(proposal)
    assert pilot.stage == "meeting" and proposal.state == "shortlisted"


def test_a_frozen_pilots_marketing_cannot_change(app, pair):
    """No activity is planned, edited, approved or moved while a party is suspended."""
    from govtech.models import MarketingActivity
    from govtech.services import marketing

    records, _ = pair
    pilot = _pilot(app, pair, "pilot")
    town = _user(pair, "municipality")
    activity = marketing.create(town, pilot, kind="press_release", title="実証開始のお知らせ",
                                body="本文")
    organisations.set_state(_user(pair, "manager"),
                            db.session.get(User, records["startup"].id).organisation,
                            OrgState.suspended)
    activity = db.session.get(MarketingActivity, activity.id)
    with pytest.raises(DomainError, match="停止中"):
        marketing.create(town, pilot, kind="press_release", title="二件目")
    with pytest.raises(DomainError, match="停止中"):
        marketing.transition(town, activity, "drafting")
    assert marketing.allowed_targets(town, activity) == []
    assert not marketing.may_approve(town, activity)
