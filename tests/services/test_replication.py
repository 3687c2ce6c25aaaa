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


@pytest.fixture(autouse=True)
def _fresh_index():
    recommendations.forget_index()


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
    assert why["proven"]["kpis"][0]["actual"] == 3.0
