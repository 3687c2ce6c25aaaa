"""対応が必要なこと (services.actions): for each role, the exact items from real data — whose move
each one is (mine or theirs), its verb, its deadline and order — and never another
organisation's items."""
from __future__ import annotations

from datetime import timedelta

import pytest

from govtech.extensions import db
from govtech.labels import stage_label
from govtech.models import MarketingActivity, Pilot, User
from govtech.services import actions, challenges, pilots
from govtech.services import marketing as marketing_service
from tests import factories


def _user(record: factories.UserRecord) -> User:
    return db.session.get_one(User, record.id)


@pytest.fixture
def programme(app, ctx):
    """Two pairs' worth of work for one town and one startup, and an unrelated town and startup
    with work of their own."""
    today = challenges.today()
    town, firm = factories.user(app, "municipality"), factories.user(app, "startup")
    office = factories.user(app, "manager")
    other_town, other_firm = factories.user(app, "municipality"), factories.user(app, "startup")
    open_call = factories.challenge(app, town, title="窓口DX", deadline=today + timedelta(days=10))
    deciding = factories.challenge(app, town, title="防災アプリ")
    piloting = factories.challenge(app, town, title="AI議事録")
    evaluating = factories.challenge(app, town, title="保育所AI")
    elsewhere = factories.challenge(app, other_town, title="よそ課題")
    ids = {
        "proposal": factories.proposal(app, firm, open_call),
        "other_proposal": factories.proposal(app, other_firm, elsewhere),
        # proposal → selected: only the town (or the office) decides
        "deciding": factories.pilot(app, town, deciding, firm.org_id, stage="proposal"),
        # pilot → evaluation: a working step, the startup's to record
        "piloting": factories.pilot(app, town, piloting, firm.org_id, stage="pilot"),
        # evaluation without its report: both sides write it
        "evaluating": factories.pilot(app, town, evaluating, firm.org_id, stage="evaluation"),
        "other_pilot": factories.pilot(app, other_town, elsewhere, other_firm.org_id,
                                       stage="proposal"),
    }
    ids["activity"] = factories.marketing(app, ids["deciding"], town, firm, office,
                                          state="in_review", title="防災アプリ導入のお知らせ",
                                          planned_date=today + timedelta(days=20))
    with app.test_request_context():
        pilots.add_milestone(_user(town), db.session.get_one(Pilot, ids["piloting"]),
                             "センサー設置", today - timedelta(days=1))
        pilots.add_milestone(_user(town), db.session.get_one(Pilot, ids["piloting"]),
                             "来年の報告会", today + timedelta(days=90))
    ids["pending_org"] = factories.user(app, "startup", state="pending").org_id
    factories.recommendation(app, open_call, other_firm.org_id)
    return {"town": town, "firm": firm, "office": office, "other_town": other_town,
            "other_firm": other_firm, **ids}


def _items(group: list[actions.Action]) -> list[tuple[str, str]]:
    return [(item.kind, item.url) for item in group]


def test_the_town_decides_reviews_approves_and_writes(programme):
    p = programme
    found = actions.for_user(_user(p["town"]))
    assert _items(found.mine) == [
        ("milestone_due", f"/pilots/{p['piloting']}#milestones"),  # overdue: first
        ("proposal_review", f"/proposals/{p['proposal']}"),  # due in 10 days
        ("marketing_approval", f"/marketing/{p['activity']}"),  # planned in 20 days
        ("pilot_step", f"/pilots/{p['deciding']}#move"),  # no deadline: oldest first
        ("report_due", f"/pilots/{p['evaluating']}#report"),
    ]
    assert _items(found.theirs) == [("pilot_waiting", f"/pilots/{p['piloting']}")]
    review = found.mine[1]
    assert review.verb == "提案を確認する"
    assert review.deadline == challenges.today() + timedelta(days=10)
    assert "窓口DX" in review.title and "の提案" in review.title
    assert found.mine[0].urgency == "late" and found.mine[0].deadline < challenges.today()
    assert found.mine[0].pair == p["piloting"]
    assert [i.verb for i in found.mine[2:]] == ["承認する", "判断する", "報告を書く"]
    assert found.mine[3].note == f"次の段階：{stage_label('selected')}"


def test_the_startup_moves_its_steps_and_waits_for_the_town(programme):
    p = programme
    found = actions.for_user(_user(p["firm"]))
    assert _items(found.mine) == [
        ("milestone_due", f"/pilots/{p['piloting']}#milestones"),
        ("marketing_approval", f"/marketing/{p['activity']}"),
        ("pilot_step", f"/pilots/{p['piloting']}#move"),
        ("report_due", f"/pilots/{p['evaluating']}#report"),
    ]
    assert _items(found.theirs) == [
        ("proposal_waiting", f"/proposals/{p['proposal']}"),
        ("pilot_waiting", f"/pilots/{p['deciding']}"),
    ]
    assert found.mine[2].verb == "進める"
    assert found.theirs[0].note == "自治体の確認待ち"


def test_an_approval_given_moves_the_activity_to_waiting_for_the_others(app, programme):
    p = programme
    with app.test_request_context():
        marketing_service.approve(_user(p["town"]),
                                  db.session.get_one(MarketingActivity, p["activity"]))
    town = actions.for_user(_user(p["town"]))
    assert ("marketing_approval", f"/marketing/{p['activity']}") not in _items(town.mine)
    assert ("marketing_waiting", f"/marketing/{p['activity']}") in _items(town.theirs)
    firm = actions.for_user(_user(p["firm"]))
    assert ("marketing_approval", f"/marketing/{p['activity']}") in _items(firm.mine)


def test_the_office_approves_introduces_and_reads_new_proposals(programme):
    p = programme
    found = actions.for_user(_user(p["office"]))
    kinds = [item.kind for item in found.mine]
    # by deadline (the call's in 10 days, the press release in 20), then the longest waiting
    # (the count of pairs first: it has no single age), the other proposal, the new startup
    assert kinds == ["proposal_review", "marketing_approval", "rec_review", "proposal_review",
                     "org_approval"]
    assert [i.url for i in found.mine if i.kind == "proposal_review"] == [
        f"/proposals/{p['proposal']}", f"/proposals/{p['other_proposal']}"]
    assert found.mine[1].url == f"/marketing/{p['activity']}"
    recs = found.mine[2]
    assert recs.count == 1 and recs.verb == "紹介する" and recs.url == "/recommendations/"
    org = found.mine[4]
    assert org.url == f"/admin/organisations?state=pending#org-{p['pending_org']}"
    assert org.verb == "承認する"
    assert found.theirs == []  # no pair has been stuck long


def test_another_organisations_work_never_appears(programme):
    p = programme
    foreign = {f"/proposals/{p['other_proposal']}", f"/pilots/{p['other_pilot']}",
               f"/pilots/{p['other_pilot']}#move"}
    for who in ("town", "firm"):
        found = actions.for_user(_user(p[who]))
        assert not foreign & {i.url for i in found.mine + found.theirs}
    for who in ("other_town", "other_firm"):
        found = actions.for_user(_user(p[who]))
        assert {i.pair for i in found.mine + found.theirs} <= {p["other_pilot"], None}
        assert f"/proposals/{p['proposal']}" not in {i.url for i in found.mine + found.theirs}


def test_decided_and_written_work_leaves_the_list(app, programme):
    p = programme
    factories.move_pilot(app, p["town"], p["deciding"], "selected")
    with app.test_request_context():
        pilots.save_report(_user(p["firm"]), db.session.get_one(Pilot, p["evaluating"]),
                           verified="検証した", learned="学んだ", changed="変わった",
                           adoption_decision="")
    town = actions.for_user(_user(p["town"]))
    steps = {i.pair: i.note for i in town.mine if i.kind == "pilot_step"}
    assert steps == {p["deciding"]: f"次の段階：{stage_label('agreement')}",  # the town's
                     p["evaluating"]: f"次の段階：{stage_label('budgeting')}"}  # report written
    assert "report_due" not in {i.kind for i in town.mine}
    firm = actions.for_user(_user(p["firm"]))
    assert {i.pair for i in firm.theirs if i.kind == "pilot_waiting"} == {p["deciding"],
                                                                         p["evaluating"]}


def test_pending_members_and_the_public_have_nothing(app, ctx):
    waiting = factories.user(app, "municipality", state="pending")
    found = actions.for_user(_user(waiting))
    assert found.mine == [] and found.theirs == []
    assert actions.for_user(None).mine == []


def test_each_group_is_cut_to_the_page_and_counts_the_rest(programme):
    found = actions.for_user(_user(programme["town"]), shown=2)
    assert found.more_mine == 3
    page = actions.shown(found, 2)
    assert len(page.mine) == 2 and page.more_mine == 3


def test_a_startup_is_invited_to_recommended_calls_closing_soon(app, programme):
    p = programme
    today = challenges.today()
    soon = factories.challenge(app, p["other_town"], title="観光DX",
                               deadline=today + timedelta(days=7))
    later = factories.challenge(app, p["other_town"], title="農業DX",
                                deadline=today + timedelta(days=60))
    for challenge_id in (soon, later):
        factories.recommendation(app, challenge_id, p["firm"].org_id)
    invited = [i for i in actions.for_user(_user(p["firm"])).mine
               if i.kind == "proposal_invited"]
    assert [(i.url, i.deadline) for i in invited] == [
        (f"/challenges/{soon}/apply", today + timedelta(days=7))]
    assert "提案" in invited[0].verb  # この課題に提案する (the copy is the format helper's)
    factories.proposal(app, p["firm"], soon)  # proposed: no longer an invitation
    assert "proposal_invited" not in {i.kind for i in actions.for_user(_user(p["firm"])).mine}
    # the town is never invited to propose
    assert "proposal_invited" not in {i.kind for i in actions.for_user(_user(p["town"])).mine}


def test_a_pair_asked_for_is_the_offices_to_introduce(app, programme):
    from govtech.models import Recommendation
    from govtech.services import recommendations

    p = programme
    wanted = factories.challenge(app, p["town"], title="観光DX")
    rec_id = factories.recommendation(app, wanted, p["other_firm"].org_id)
    with app.test_request_context():
        recommendations.express_interest(_user(p["town"]),
                                         db.session.get_one(Recommendation, rec_id))
    office = actions.for_user(_user(p["office"]))
    asked = [i for i in office.mine if i.kind == "rec_interest"]
    assert len(asked) == 1 and "観光DX" in asked[0].title and asked[0].verb == "紹介する"
    assert asked[0].url == f"/recommendations/?sort=interest#rec-{rec_id}"
    town = actions.for_user(_user(p["town"]))
    assert ["観光DX" in i.title for i in town.theirs if i.kind == "rec_interest_waiting"] == [True]
    # the startup did not ask: it waits for nothing
    firm = actions.for_user(_user(p["other_firm"]))
    assert "rec_interest_waiting" not in {i.kind for i in firm.theirs}


def test_the_office_follows_up_pairs_stuck_long(app, programme):
    p = programme
    with app.test_request_context():
        stuck = db.session.get_one(Pilot, p["deciding"])
        stuck.stage_entered_at = stuck.stage_entered_at - timedelta(days=90)
        db.session.commit()
    found = actions.for_user(_user(p["office"]))
    assert [(i.kind, i.pair) for i in found.theirs] == [("pilot_stuck", p["deciding"])]
    assert stage_label("proposal") in found.theirs[0].note


def test_the_office_sets_up_the_first_meeting_of_a_pair_it_introduced(app, programme):
    """An introduced pair waits on the office (pipeline_status.waits_on): it is in the office's
    own list with the move as its verb and the checklist's next item as its note; long in that
    stage it is not also listed as waiting on the parties."""
    p = programme
    fresh = factories.challenge(app, p["town"], title="観光DX")
    introduced = factories.pilot(app, p["office"], fresh, p["firm"].org_id)
    with app.test_request_context():
        pilot = db.session.get_one(Pilot, introduced)
        pilot.stage_entered_at = pilot.stage_entered_at - timedelta(days=90)
        db.session.commit()
    found = actions.for_user(_user(p["office"]))
    steps = [i for i in found.mine if i.kind == "pilot_office_step"]
    assert len(steps) == 1 and steps[0].pair == introduced and "観光DX" in steps[0].title
    assert steps[0].verb == "初回面談を設定する"
    assert steps[0].url == f"/pilots/{introduced}#milestones"
    assert "初回面談" in steps[0].note
    assert introduced not in {i.pair for i in found.theirs}
    # the parties are not asked to do the office's move
    for party in ("town", "firm"):
        found = actions.for_user(_user(p[party]))
        assert introduced not in {i.pair for i in found.mine}
        waiting = [i for i in found.theirs if i.pair == introduced]
        assert [i.note for i in waiting] == ["事務局の対応待ち"], party
