"""The home page's 対応が必要なこと and the notifications grouped by pairing, with 要対応."""
from __future__ import annotations

from datetime import timedelta

import pytest

from govtech.extensions import db
from govtech.models import MarketingActivity, User
from govtech.services import challenges, marketing
from tests import factories
from tests.html import get_page, text, texts


@pytest.fixture
def work(app):
    """A town and a startup with a proposal to review, a pair whose next stage is the town's
    to decide (moved there by the startup, so the town was told of each step), and a press
    release in review."""
    with app.test_request_context():
        today = challenges.today()
    town, firm = factories.user(app, "municipality"), factories.user(app, "startup")
    office = factories.user(app, "manager")
    call = factories.challenge(app, town, title="窓口DX", deadline=today + timedelta(days=5))
    pair_call = factories.challenge(app, town, title="防災アプリ")
    proposal = factories.proposal(app, firm, call)
    pilot = factories.pilot(app, town, pair_call, firm.org_id)
    factories.move_pilot(app, firm, pilot, "proposal")  # introduced → meeting → proposal
    activity = factories.marketing(app, pilot, town, firm, office, state="in_review",
                                   title="防災アプリ導入のお知らせ")
    return {"town": town, "firm": firm, "office": office, "proposal": proposal,
            "pilot": pilot, "activity": activity}


def test_the_towns_home_starts_with_what_waits_for_it(client, work):
    factories.login(client, work["town"])
    page = get_page(client, "/home")
    mine = page.select_one(".actions-group--mine")
    assert "あなたの対応待ち" in text(mine.h3)
    # the call due in 5 days, then the longest waiting: the pair (moved first), the release
    assert texts(mine, ".action-verb") == ["提案を確認する", "判断する", "承認する"]
    first = mine.select_one(".action-item")
    assert "窓口DX" in text(first.select_one(".action-title"))
    assert first.select_one(".action-verb")["href"] == f"/proposals/{work['proposal']}"
    deadline = text(first.select_one(".action-deadline"))
    assert "あと5日" in deadline and "提案締切" in deadline
    assert "action-item--soon" in first["class"]
    # one primary button on the page: the first item's; the others are small
    primaries = [b for b in page.select("main .button") if "button--small" not in b["class"]
                 and "button--ghost" not in b["class"]]
    assert [text(b) for b in primaries] == ["提案を確認する"]
    theirs = page.select_one(".actions-group--theirs")
    assert "相手の対応待ち" in text(theirs.h3)
    assert "相手の対応を待っているものはありません。" in text(theirs)


def test_the_startup_waits_for_the_town_and_approves_its_release(client, work):
    factories.login(client, work["firm"])
    page = get_page(client, "/home?lang=en")
    assert texts(page, ".actions-group--mine .action-verb") == ["Approve"]
    waiting = texts(page, ".actions-group--theirs .action-title")
    assert any("窓口DX" in title for title in waiting)
    assert any("防災アプリ" in title for title in waiting)
    theirs = text(page.select_one(".actions-group--theirs"))
    assert "Waiting for the municipality's review" in theirs


def test_a_new_startup_reads_plainly_that_nothing_waits(client, app):
    factories.login(client, factories.user(app, "startup"))
    page = get_page(client, "/home")
    assert text(page.select_one(".actions-group--mine .action-empty")) == \
        "いまあなたの対応を待っているものはありません。"


def test_the_office_sees_approvals_pairs_and_marketing(client, app, work):
    factories.user(app, "startup", state="pending", name="新規")
    factories.login(client, work["office"])
    page = get_page(client, "/home")
    kinds = [li["data-kind"] for li in page.select(".actions-group--mine .action-item")]
    assert {"org_approval", "marketing_approval", "proposal_review"} <= set(kinds)
    verbs = dict(zip(kinds, texts(page, ".actions-group--mine .action-verb"), strict=True))
    assert verbs["org_approval"] == "承認する" and verbs["proposal_review"] == "提案を確認する"


def test_notifications_are_grouped_by_pairing(client, app, work):
    factories.notification(app, work["town"])  # about no pair: on its own
    factories.login(client, work["town"])
    page = get_page(client, "/notifications/")
    groups = page.select(".notification-group")
    assert len(groups) == 1
    group = groups[0]
    assert "防災アプリ" in text(group.select_one(".notification-pair"))
    assert group.select_one(".notification-pair a")["href"] == f"/pilots/{work['pilot']}"
    # the release to approve and the newest of the startup's two moves, newest first; the
    # earlier move is folded
    notes = texts(group, ":scope > ul > li .notification-text")
    assert len(notes) == 2 and "防災アプリ導入のお知らせ" in notes[0] and "提案" in notes[1]
    earlier = texts(group, ".notification-earlier .notification-text")
    assert len(earlier) == 1 and "面談" in earlier[0]
    # on their own: the proposal (its call has no pair), the test one, the town's approval
    singles = texts(page, ".notification-single .notification-text")
    assert len(singles) == 3 and any("窓口DX" in note for note in singles)


def test_the_needs_action_filter_keeps_what_still_waits(client, app, work):
    factories.notification(app, work["town"])
    factories.login(client, work["town"])
    page = get_page(client, "/notifications/?filter=action")
    shown = texts(page, ".notification-text")
    # the proposal, the release, and the pair's two moves (its next step is the town's)
    assert len(shown) == 4
    assert any("窓口DX" in note for note in shown)
    assert not any("テスト市" in note for note in shown)
    assert page.select_one('.notification-filter a[aria-current]')["href"].endswith(
        "filter=action")
    # approving the release takes it out of the filter
    with app.test_request_context():
        marketing.approve(db.session.get_one(User, work["town"].id),
                          db.session.get_one(MarketingActivity, work["activity"]))
    shown = texts(get_page(client, "/notifications/?filter=action"), ".notification-text")
    assert not any("防災アプリ導入のお知らせ" in note for note in shown)


def test_a_notifications_verb_marks_it_read_and_goes_where_it_is_done(client, app, work):
    factories.login(client, work["town"])
    page = get_page(client, "/notifications/")
    # the pair's own step is asked once, on the pair's group, where it is done
    group = page.select_one(".notification-group")
    decide = group.select_one(".notification-pair-action .notification-verb")
    assert text(decide) == "判断する" and decide["href"] == f"/pilots/{work['pilot']}#move"
    forms = [f for f in page.select(".notification form") if f.select_one(".notification-verb")]
    verbs = [text(f.select_one(".notification-verb")) for f in forms]
    assert sorted(verbs) == sorted(["承認する", "提案を確認する"])  # the release, the proposal
    approve = forms[verbs.index("承認する")]
    response = client.post(approve["action"])
    assert response.headers["Location"].endswith(f"/marketing/{work['activity']}")
    assert client.post(approve["action"], data={"anchor": "move"}).headers[
        "Location"].endswith(f"/marketing/{work['activity']}#move")


def test_an_anchor_cannot_lead_elsewhere(client, app, work):
    factories.login(client, work["town"])
    note = factories.notification(app, work["town"], url="/challenges/")
    response = client.post(f"/notifications/{note}/read", data={"anchor": "x/../../evil"})
    assert response.headers["Location"].endswith("/challenges/")


def test_an_org_pending_notification_needs_action_only_while_its_own_org_waits(client, app):
    """Two organisations signed up (each sign-up tells the office); one is approved. While the
    other still waits, only the notification about the waiting one is 要対応."""
    from govtech.models import Organisation, OrgState
    from govtech.services import organisations

    office = factories.user(app, "manager")
    waiting = factories.user(app, "startup", state="pending")
    approved = factories.user(app, "municipality", state="pending")
    with app.app_context():
        name = {r.org_id: db.session.get_one(Organisation, r.org_id).name
                for r in (waiting, approved)}
    factories.notification(app, office, url="/admin/organisations?state=pending")  # no subject
    with app.test_request_context():
        organisations.set_state(db.session.get_one(User, office.id),
                                db.session.get_one(Organisation, approved.org_id),
                                OrgState.approved)
    factories.login(client, office)
    page = get_page(client, "/notifications/?filter=action")
    assert texts(page, ".notification-text") == [
        f"{name[waiting.org_id]}が参加を申請し、承認を待っています。"]
    everything = texts(get_page(client, "/notifications/"), ".notification-text")
    assert any(name[approved.org_id] in note for note in everything) and len(everything) == 3
