"""Issue 11, finding 8 on the pages: a startup is neither offered nor allowed the municipality's
moves or its adoption decision; a suspended party's pilot is shown frozen and refuses changes."""
from __future__ import annotations

import pytest

from govtech.extensions import db
from govtech.models import Organisation, OrgState, Pilot
from govtech.services import programme
from tests import factories
from tests.html import field_value, flash_messages, get_page, post_page, texts


@pytest.fixture
def pair(app):
    users = {"municipality": factories.user(app, "municipality"),
             "startup": factories.user(app, "startup"),
             "manager": factories.user(app, "manager")}
    cid = factories.challenge(app, users["municipality"], title="河川水位の見える化")
    return users, cid


def _pilot(app, pair, stage):
    users, cid = pair
    return factories.pilot(app, users["manager"], cid, users["startup"].org_id, stage=stage,
                           report=stage == "evaluation")


def _stage(app, pid):
    with app.app_context():
        return db.session.get(Pilot, pid).stage.value


@pytest.mark.parametrize("current,target", [("proposal", "selected"),
                                            ("selected", "agreement"),
                                            ("evaluation", "budgeting")])
def test_a_startup_cannot_make_the_municipalitys_moves(client, app, pair, current, target):
    users, _ = pair
    pid = _pilot(app, pair, current)
    factories.login(client, users["startup"])
    page = get_page(client, f"/pilots/{pid}?lang=en")
    assert page.find("input", attrs={"name": "target", "value": target}) is None
    with app.app_context():
        counted = programme.public_counts()["pilots"]
    refused = post_page(client, f"/pilots/{pid}/move?lang=en",
                        {"target": target, "version": field_value(page, "version")}, status=403)
    assert any("Only the municipality or the programme office" in m
               for m in flash_messages(refused))
    assert _stage(app, pid) == current
    with app.app_context():
        assert programme.public_counts()["pilots"] == counted


def test_the_municipality_makes_them(client, app, pair):
    users, _ = pair
    pid = _pilot(app, pair, "proposal")
    factories.login(client, users["municipality"])
    page = get_page(client, f"/pilots/{pid}")
    assert page.find("input", attrs={"name": "target", "value": "selected"}) is not None
    post_page(client, f"/pilots/{pid}/move", {"target": "selected",
                                              "version": field_value(page, "version")},
              status=302)
    assert _stage(app, pid) == "selected"


def test_the_startups_report_form_shows_the_decision_without_changing_it(client, app, pair):
    users, _ = pair
    pid = _pilot(app, pair, "evaluation")
    town = app.test_client()
    factories.login(town, users["municipality"])
    assert get_page(town, f"/pilots/{pid}").find("textarea", attrs={
        "name": "adoption_decision"}) is not None
    post_page(town, f"/pilots/{pid}/report", {"verified": "到達率80%", "learned": "学び",
                                              "changed": "変化", "adoption_decision": "本格導入"},
              status=302)
    factories.login(client, users["startup"])
    page = get_page(client, f"/pilots/{pid}")
    assert page.find("textarea", attrs={"name": "adoption_decision"}) is None
    assert "本格導入" in " ".join(texts(page, "#adoption-decision"))
    post_page(client, f"/pilots/{pid}/report", {"verified": "到達率85%", "learned": "学び",
                                                "changed": "変化"}, status=302)
    refused = post_page(client, f"/pilots/{pid}/report?lang=en", {
        "verified": "到達率90%", "learned": "学び", "changed": "変化",
        "adoption_decision": "導入しない"}, status=400)
    assert texts(refused, "#adoption-decision .error") == [
        "Only the municipality or the programme office can write the adoption decision."]
    with app.app_context():
        pilot = db.session.get(Pilot, pid)
        assert (pilot.verified, pilot.adoption_decision) == ("到達率85%", "本格導入")


@pytest.mark.parametrize("suspended", ["municipality", "startup"])
def test_a_suspended_partys_pilot_is_shown_frozen(client, app, pair, suspended):
    users, _ = pair
    pid = _pilot(app, pair, "pilot")
    mid = factories.milestone(app, users["manager"], pid)
    with app.app_context():
        db.session.get(Organisation, users[suspended].org_id).state = OrgState.suspended
        db.session.commit()
    factories.login(client, users["manager"])
    page = get_page(client, f"/pilots/{pid}?lang=en")  # reading stays possible
    assert page.find("form", action=f"/pilots/{pid}/move") is None
    assert page.find("form", action=f"/pilots/{pid}/report") is None
    for action in (f"/pilots/{pid}/kpis", f"/pilots/{pid}/milestones",
                   f"/pilots/{pid}/milestones/{mid}/toggle"):
        assert page.find("form", action=action) is None, action
    assert page.find("a", href=f"/pilots/{pid}/marketing/new") is None
    assert "frozen" in " ".join(texts(page, "#move"))
    refused = post_page(client, f"/pilots/{pid}/move?lang=en", {"target": "evaluation",
                                                                "version": "6"}, status=400)
    assert any("suspended" in m for m in flash_messages(refused))
    post_page(client, f"/pilots/{pid}/report", {"verified": "凍結中"}, status=400)
    toggled = post_page(client, f"/pilots/{pid}/milestones/{mid}/toggle?lang=en",
                        follow_redirects=True)
    assert any("suspended" in m for m in flash_messages(toggled))
    with app.app_context():
        pilot = db.session.get(Pilot, pid)
        assert pilot.stage.value == "pilot" and pilot.verified == "" and \
            not pilot.milestones[0].is_done
