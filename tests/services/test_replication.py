"""横展開: an adopted pilot recommends its proven solution to towns with similar challenges."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from govtech.extensions import db
from govtech.models import Recommendation
from govtech.services import recommendations
from tests import factories
from tests.services.test_recommendations import DISASTER, SENSOR

SIMILAR = {"title": "中小河川の水位監視", "summary": "大雨のとき川の水位を早く知りたい。",
           "description": "水位計のない川が多く、避難の呼びかけが遅れる。"
                          "防災情報を住民に届けたい。",
           "categories": ["disaster"], "tags": ["水位", "防災"]}
UNRELATED = {"title": "図書館の予約システム", "summary": "本の予約をオンラインにしたい。",
             "description": "窓口での予約受付を減らしたい。", "categories": ["education"],
             "tags": ["図書館"]}


pytestmark = pytest.mark.usefixtures("fresh_index")


def test_adoption_recommends_the_solution_to_a_similar_town(app, ctx):
    origin = factories.user(app, "municipality", prefecture="05")
    sensor = factories.user(app, "startup")
    factories.capability(app, sensor, **SENSOR)
    solved = factories.challenge(app, origin, **DISASTER)
    pilot_id = factories.pilot(app, factories.user(app, "manager"), solved, sensor.org_id)
    factories.kpi(app, origin, pilot_id, name="通知までの時間", unit="分", baseline=30.0,
                  target=5.0, actual=3.0)
    other_town = factories.user(app, "municipality", prefecture="17")
    similar = factories.challenge(app, other_town, **SIMILAR)
    unrelated = factories.challenge(app, other_town, **UNRELATED)
    db.session.execute(Recommendation.__table__.delete())
    db.session.commit()

    factories.move_pilot(app, origin, pilot_id, "adopted")

    proven = db.session.scalars(select(Recommendation).where(
        Recommendation.proven_pilot_id == pilot_id)).all()
    pairs = {(r.challenge_id, r.startup_id) for r in proven}
    assert (similar, sensor.org_id) in pairs
    assert (unrelated, sensor.org_id) not in pairs
    assert all(r.challenge.organisation_id != origin.org_id for r in proven)
    why = recommendations.explain(next(r for r in proven if r.challenge_id == similar))
    assert why["proven"]["town"] == db.session.get(Recommendation, proven[0].id
                                                   ).proven_pilot.challenge.organisation.name
    # Issue 11: the town's KPI figures are private to the pair until a case study publishes them
    # (this assertion replaces `kpis[0]["actual"] == 3.0` on the live KPIs).
    assert why["proven"]["kpis"] == []


def _adopted_pilot_recommended_elsewhere(app):
    """A pilot adopted in one town (with a KPI) and the card another town gets for it."""
    origin = factories.user(app, "municipality", prefecture="05")
    sensor = factories.user(app, "startup")
    manager = factories.user(app, "manager")
    factories.capability(app, sensor, **SENSOR)
    solved = factories.challenge(app, origin, **DISASTER)
    pilot_id = factories.pilot(app, manager, solved, sensor.org_id)
    kpi_id = factories.kpi(app, origin, pilot_id, name="通知までの時間", unit="分",
                           baseline=30.0, target=5.0, actual=3.0)
    similar = factories.challenge(app, factories.user(app, "municipality", prefecture="17"),
                                  **SIMILAR)
    factories.move_pilot(app, origin, pilot_id, "adopted")
    rec = db.session.scalar(select(Recommendation).where(
        Recommendation.proven_pilot_id == pilot_id, Recommendation.challenge_id == similar))
    return (origin, sensor, manager), pilot_id, kpi_id, rec


def test_card_elsewhere_shows_no_kpi_figures_without_a_published_case_study(app, ctx):
    people, pilot_id, _kpi_id, rec = _adopted_pilot_recommended_elsewhere(app)
    factories.marketing(app, pilot_id, *people, state="approved")  # approved, not published
    factories.marketing(app, pilot_id, *people, state="published", is_public=False)
    why = recommendations.explain(rec)
    assert why["proven"]["town"] and why["proven"]["challenge"] == DISASTER["title"]
    assert why["proven"]["kpis"] == []


def test_card_elsewhere_shows_the_published_snapshot_not_later_edits(app, ctx):
    from govtech.models import PilotKPI, User
    from govtech.services import pilots

    people, pilot_id, kpi_id, rec = _adopted_pilot_recommended_elsewhere(app)
    factories.marketing(app, pilot_id, *people, state="published")
    with app.test_request_context():
        pilots.update_kpi(db.session.get(User, people[0].id), db.session.get(PilotKPI, kpi_id),
                          actual=99.0)
    kpis = recommendations.explain(rec)["proven"]["kpis"]
    assert [(k["name"], k["unit"], k["baseline"], k["target"], k["actual"]) for k in kpis] == [
        ("通知までの時間", "分", 30.0, 5.0, 3.0)]
