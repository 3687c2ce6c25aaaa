"""Procurement readiness (issue 17 part 6): the levels, their SQL twin, the profile service."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from govtech.extensions import db
from govtech.models import HistoryEvent, Organisation, User
from govtech.models.enums import ProcurementRoute
from govtech.models.procurement import BidRegistration, Certification, ProcurementProfile
from govtech.services import readiness, startups
from govtech.services.errors import ConcurrentChange, DomainError, PermissionDenied
from tests import factories


def _setup(app):
    town = factories.user(app, "municipality")
    firm = factories.user(app, "startup")
    return town, firm


def _actor(record) -> tuple[User, Organisation]:
    user = db.session.get(User, record.id)
    return user, user.organisation


def _save(record, **values):
    user, org = _actor(record)
    existing = readiness.profile_of(org.id)
    fields = {"unified_grade": None, "unified_valid_until": None, "gbizid_prime": False,
              "ismap": None, "marketplace_listings": []} | values
    return startups.save_procurement(user, org, expected_version=existing.version
                                     if existing else None, **fields)


def _level_sql(org_id: int) -> int:
    return dict(readiness.levels_for([org_id]))[org_id]


def test_levels_follow_the_rules_and_the_sql_agrees(app, ctx):
    town, firm = _setup(app)
    later = readiness.today() + timedelta(days=30)
    assert _level_sql(firm.org_id) == 0
    _save(firm, gbizid_prime=True)
    assert readiness.profile_of(firm.org_id).level == _level_sql(firm.org_id) == 1
    _save(firm, gbizid_prime=True, unified_grade="B", unified_valid_until=later)
    assert readiness.profile_of(firm.org_id).level == _level_sql(firm.org_id) == 2
    _save(firm, unified_grade="B", unified_valid_until=later, ismap="ismap_liu")
    assert readiness.profile_of(firm.org_id).level == _level_sql(firm.org_id) == 3
    _save(firm, unified_grade="B", unified_valid_until=later,
          marketplace_listings=["https://example.jp/dmp/123"])
    assert _level_sql(firm.org_id) == 3
    # ISMAP without the right to bid is not level 3
    _save(firm, ismap="ismap")
    assert readiness.profile_of(firm.org_id).level == _level_sql(firm.org_id) == 0


def test_expired_registrations_do_not_count_in_python_or_sql(app, ctx):
    town, firm = _setup(app)
    _save(firm, gbizid_prime=True, unified_grade="A",
          unified_valid_until=readiness.today() + timedelta(days=5), ismap="ismap")
    assert _level_sql(firm.org_id) == 3
    # time passes: the stored level still says 3, but the qualification has run out
    profile = readiness.profile_of(firm.org_id)
    profile.unified_valid_until = readiness.today() - timedelta(days=1)
    db.session.add(BidRegistration(startup_id=firm.org_id, municipality_id=town.org_id,
                                   valid_until=readiness.today() - timedelta(days=1)))
    db.session.commit()
    assert profile.level == 3
    assert readiness.compute(profile, readiness.bids_of(firm.org_id)) == 1
    assert _level_sql(firm.org_id) == 1
    ids = set(db.session.scalars(select(Organisation.id).where(
        readiness.at_least(Organisation.id, 2))))
    assert firm.org_id not in ids
    assert firm.org_id in set(db.session.scalars(select(Organisation.id).where(
        readiness.at_least(Organisation.id, 1))))
    assert readiness.at_least(Organisation.id, None) is None


def test_a_bid_registration_raises_the_level_and_is_refused_twice(app, ctx):
    town, firm = _setup(app)
    user, org = _actor(firm)
    town_name = db.session.get(Organisation, town.org_id).name
    startups.add_bid_registration(user, org, town=town_name, valid_until=None)
    assert readiness.profile_of(org.id).level == _level_sql(org.id) == 2
    with pytest.raises(DomainError) as refused:
        startups.add_bid_registration(user, org, town=town_name, valid_until=None)
    assert refused.value.field == "town"
    events = db.session.scalars(select(HistoryEvent).where(
        HistoryEvent.entity_type == "procurement_profile")).all()
    assert [e.to_state for e in events] == ["2"]
    bid = readiness.bids_of(org.id)[0]
    startups.remove_bid_registration(user, org, bid.id)
    assert readiness.bids_of(org.id) == [] and readiness.profile_of(org.id).level == 0


@pytest.mark.parametrize("town_text,message", [
    ("", "自治体名を入力"), ("どこにもない町", "この名前の自治体はありません"),
    ("x" * 80, "この名前の自治体はありません")])
def test_unknown_towns_are_refused(app, ctx, town_text, message):
    _town, firm = _setup(app)
    user, org = _actor(firm)
    with pytest.raises(DomainError, match=message) as refused:
        startups.add_bid_registration(user, org, town=town_text, valid_until=None)
    assert refused.value.field == "town"
    assert readiness.bids_of(org.id) == []


def test_a_startup_is_not_a_town_and_namesakes_need_the_prefecture(app, ctx):
    _town, firm = _setup(app)
    other = factories.user(app, "startup")
    user, org = _actor(firm)
    with pytest.raises(DomainError, match="この名前の自治体はありません"):
        startups.add_bid_registration(user, org, town=db.session.get(
            Organisation, other.org_id).name, valid_until=None)
    a = Organisation(kind="municipality", state="approved", name="府中市", prefecture="13")
    b = Organisation(kind="municipality", state="approved", name="府中市", prefecture="34")
    db.session.add_all([a, b])
    db.session.commit()
    with pytest.raises(DomainError, match="東京都府中市"):
        startups.add_bid_registration(user, org, town="府中市", valid_until=None)
    startups.add_bid_registration(user, org, town="広島県 府中市", valid_until=None)
    assert [bid.municipality_id for bid in readiness.bids_of(org.id)] == [b.id]
    assert "広島県府中市" in startups.town_choices()


def test_a_past_date_is_refused_for_a_new_entry_only(app, ctx):
    town, firm = _setup(app)
    user, org = _actor(firm)
    past = readiness.today() - timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        startups.add_bid_registration(user, org, town=db.session.get(
            Organisation, town.org_id).name, valid_until=past)
    assert refused.value.field == "valid_until"
    with pytest.raises(DomainError) as refused:
        _save(firm, unified_grade="C", unified_valid_until=past)
    assert refused.value.field == "unified_valid_until"
    assert readiness.profile_of(org.id) is None
    # an entry saved while valid may be kept once it has run out (the level drops)
    _save(firm, unified_grade="C", unified_valid_until=readiness.today())
    profile = readiness.profile_of(org.id)
    profile.unified_valid_until = past
    db.session.commit()
    _save(firm, unified_grade="C", unified_valid_until=past, gbizid_prime=True)
    assert readiness.profile_of(org.id).level == 1


@pytest.mark.parametrize("values,field", [
    ({"unified_grade": "E", "unified_valid_until": "later"}, "unified_grade"),
    ({"unified_grade": "A"}, "unified_valid_until"),
    ({"unified_valid_until": "later"}, "unified_grade"),
    ({"ismap": "iso27001"}, "ismap"),
    ({"marketplace_listings": ["x" * 301]}, "marketplace_listings"),
    ({"marketplace_listings": ["bad\x00name"]}, "marketplace_listings"),
    ({"marketplace_listings": ["javascript://alert(1)"]}, "marketplace_listings"),
    ({"marketplace_listings": [f"listing {n}" for n in range(21)]}, "marketplace_listings"),
])
def test_bad_profile_values_are_refused(app, ctx, values, field):
    _town, firm = _setup(app)
    if values.get("unified_valid_until") == "later":
        values["unified_valid_until"] = readiness.today() + timedelta(days=9)
    with pytest.raises(DomainError) as refused:
        _save(firm, **values)
    assert refused.value.field == field
    assert readiness.profile_of(firm.org_id) is None


def test_listings_are_trimmed_and_deduplicated(app, ctx):
    _town, firm = _setup(app)
    _save(firm, marketplace_listings=["  DMP ", "", "DMP", "https://example.jp/x"])
    assert readiness.profile_of(firm.org_id).marketplace_listings == ["DMP",
                                                                      "https://example.jp/x"]


def test_only_the_startup_and_managers_may_edit(app, ctx):
    town, firm = _setup(app)
    other = factories.user(app, "startup")
    manager = factories.user(app, "manager")
    org = db.session.get(Organisation, firm.org_id)
    for record in (town, other):
        with pytest.raises(PermissionDenied):
            startups.save_procurement(db.session.get(User, record.id), org,
                                      expected_version=None, unified_grade=None,
                                      unified_valid_until=None, gbizid_prime=True, ismap=None,
                                      marketplace_listings=[])
        with pytest.raises(PermissionDenied):
            startups.add_bid_registration(db.session.get(User, record.id), org, town="x",
                                          valid_until=None)
    startups.save_procurement(db.session.get(User, manager.id), org, expected_version=None,
                              unified_grade=None, unified_valid_until=None, gbizid_prime=True,
                              ismap=None, marketplace_listings=[])
    assert readiness.profile_of(org.id).level == 1


def test_a_stale_form_is_refused(app, ctx):
    _town, firm = _setup(app)
    _save(firm, gbizid_prime=True)
    user, org = _actor(firm)
    with pytest.raises(ConcurrentChange):
        startups.save_procurement(user, org, expected_version=None, unified_grade=None,
                                  unified_valid_until=None, gbizid_prime=False, ismap=None,
                                  marketplace_listings=[])
    assert readiness.profile_of(org.id).gbizid_prime is True


def _challenge(app, town, route):
    challenge_id = factories.challenge(app, town, state="open")
    from govtech.models import Challenge
    challenge = db.session.get(Challenge, challenge_id)
    challenge.procurement_route = route
    db.session.commit()
    return challenge


def test_requirements_per_route(app, ctx):
    town, firm = _setup(app)
    user, org = _actor(firm)
    later = readiness.today() + timedelta(days=60)

    def met(route):
        return [(r.met, r.required) for r in readiness.requirements(
            org.id, _challenge(app, town, route))]

    assert met(ProcurementRoute.small_amount) == [(False, True), (False, False)]
    assert met(ProcurementRoute.certified) == [(False, True), (False, True)]
    assert met(ProcurementRoute.proposal) == [(False, True), (False, False)]
    assert met(ProcurementRoute.marketplace) == [(False, True), (False, True), (False, True)]
    assert met(ProcurementRoute.undecided) == [(False, True), (False, True), (False, False)]
    _save(firm, gbizid_prime=True, unified_grade="A", unified_valid_until=later,
          marketplace_listings=["DMP"], ismap="ismap_liu")
    assert met(ProcurementRoute.proposal) == [(True, True), (True, False)]
    assert met(ProcurementRoute.marketplace) == [(True, True)] * 3
    assert met(ProcurementRoute.small_amount)[0] == (False, True)  # not on this town's list
    startups.add_bid_registration(user, org, town=db.session.get(
        Organisation, town.org_id).name, valid_until=None)
    assert met(ProcurementRoute.small_amount)[0] == (True, True)
    db.session.add(Certification(municipality_id=town.org_id, startup_id=org.id,
                                 product_name="x", state="granted", valid_until=later))
    db.session.commit()
    assert met(ProcurementRoute.certified) == [(True, True), (True, True)]
    panel = readiness.route_panel(user, _challenge(app, town, ProcurementRoute.certified))
    assert panel["ready"] and panel["summary"].level == 3
    assert readiness.route_panel(db.session.get(User, town.id), panel_challenge := _challenge(
        app, town, ProcurementRoute.proposal)) is None
    assert panel_challenge.procurement_route == ProcurementRoute.proposal


def test_a_profile_row_without_bids_or_with_a_stored_level_alone_is_level_zero(app, ctx):
    _town, firm = _setup(app)
    db.session.add(ProcurementProfile(organisation_id=firm.org_id, level=3,
                                      marketplace_listings=[]))
    db.session.commit()
    assert _level_sql(firm.org_id) == 0


def test_the_demo_shows_every_level(app, ctx, monkeypatch):
    from govtech import demo
    for part in (demo.pipeline, demo.marketing, demo.purchase_commitment,
                 demo.purchase_checklist, demo.purchase_evidence, demo.purchase_catalogue):
        monkeypatch.setattr(part, "load", lambda: None)
    demo.load(password="demo-password-1")
    names = {org.name: org.id for org in db.session.scalars(select(Organisation))}
    levels = readiness.levels_for(list(names.values()))
    order = ("株式会社Momo", "株式会社VOTE FOR", "株式会社MaaS Tech Japan", "ATLシステムズ株式会社",
             "株式会社ヘッドウォータース", "株式会社エムティーアイ")
    assert [levels[names[n]] for n in order] == [3, 3, 2, 2, 1, 0]
    assert len(readiness.bids_of(names["株式会社MaaS Tech Japan"])) == 2
