"""The catalogue of adopted solutions (issue 17, part 7): solutions made at adoption, the
manager's edit, the list's filters in SQL, and the towns' ratings with each refusal."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from govtech.extensions import db
from govtech.models import HistoryEvent, Organisation, Pilot, User
from govtech.models.base import utcnow
from govtech.models.enums import CertificationState, ProcurementRoute
from govtech.models.procurement import Certification, Solution, SolutionRating
from govtech.services import actions, catalogue, catalogue_lists, challenges, ratings
from govtech.services.errors import DomainError, PermissionDenied
from tests import factories

SCORES = {"fit": 4, "support": 5, "price": 3, "results": 4}


@dataclass
class Pair:
    town: factories.UserRecord
    firm: factories.UserRecord
    manager: factories.UserRecord
    challenge_id: int
    pilot_id: int


def adopt(app, town=None, firm=None, manager=None, *, categories=("disaster",),
          capabilities=None, population=None, route=None, cost=None) -> Pair:
    """A pair taken to adoption through the services (with the startup's capabilities)."""
    town = town or factories.user(app, "municipality")
    firm = firm or factories.user(app, "startup")
    manager = manager or factories.user(app, "manager")
    for values in capabilities or []:
        factories.capability(app, firm, **values)
    challenge_id = factories.challenge(app, town, categories=list(categories))
    with app.app_context():
        values = {}
        if population is not None:
            db.session.get(Organisation, town.org_id).population = population
        if route is not None:
            values["procurement_route"] = route
        if values:
            from govtech.models import Challenge
            db.session.execute(update(Challenge).where(Challenge.id == challenge_id)
                               .values(**values))
        db.session.commit()
    pilot_id = factories.pilot(app, town, challenge_id, firm.org_id, stage="adopted")
    if cost is not None:
        with app.app_context():
            db.session.execute(update(Pilot).where(Pilot.id == pilot_id)
                               .values(annual_cost=cost))
            db.session.commit()
    return Pair(town, firm, manager, challenge_id, pilot_id)


def _get(model, ident):
    return db.session.get(model, ident)


def _rate(record, pilot_id, occasion="at_adoption", **scores):
    return ratings.rate(_get(User, record.id), _get(Pilot, pilot_id), occasion,
                        **(SCORES | scores))


def _age(pilot_id: int, days: int) -> None:
    db.session.execute(update(Pilot).where(Pilot.id == pilot_id)
                       .values(closed_at=utcnow() - timedelta(days=days)))
    db.session.commit()


# --- solutions from adoptions -----------------------------------------------------------------

def test_adoption_makes_the_solution_from_the_best_fitting_capability(app, ctx):
    pair = adopt(app, categories=["childcare"], capabilities=[
        {"title": "防災マップ", "categories": ["disaster"]},
        {"title": "母子手帳アプリ", "categories": ["childcare", "health"]}])
    pilot = _get(Pilot, pair.pilot_id)
    solution = _get(Solution, pilot.solution_id)
    assert solution.name == "母子手帳アプリ" and solution.startup_id == pair.firm.org_id
    assert set(solution.categories) == {"childcare", "health"}
    events = db.session.scalars(select(HistoryEvent).where(
        HistoryEvent.entity_type == "solution", HistoryEvent.entity_id == solution.id)).all()
    assert [e.to_state for e in events] == ["listed"] and events[0].actor_id == pair.town.id


def test_without_shared_categories_the_first_capability_is_used(app, ctx):
    pair = adopt(app, categories=["tourism"], capabilities=[
        {"title": "一つ目", "categories": ["disaster"]},
        {"title": "二つ目", "categories": ["data"]}])
    solution = _get(Solution, _get(Pilot, pair.pilot_id).solution_id)
    assert solution.name == "一つ目"
    assert "tourism" in solution.categories  # what it was adopted for is found by the filter


def test_a_second_town_adopting_the_same_capability_joins_the_same_solution(app, ctx):
    first = adopt(app, capabilities=[{"title": "水位センサー"}])
    second = adopt(app, firm=first.firm, manager=first.manager)
    one, two = _get(Pilot, first.pilot_id), _get(Pilot, second.pilot_id)
    assert one.solution_id == two.solution_id
    assert db.session.scalar(select(func.count()).select_from(Solution)) == 1


def test_backfill_gives_older_adopted_pilots_their_solution(app, ctx):
    pair = adopt(app, capabilities=[{"title": "水位センサー"}])
    db.session.execute(update(Pilot).values(solution_id=None))
    db.session.commit()
    assert catalogue.backfill(None) == 1
    assert _get(Pilot, pair.pilot_id).solution_id is not None
    assert catalogue.backfill(None) == 0


def test_a_manager_edits_the_name_and_summary_with_history(app, ctx):
    pair = adopt(app, capabilities=[{"title": "水位センサー"}])
    solution = _get(Solution, _get(Pilot, pair.pilot_id).solution_id)
    catalogue.update(_get(User, pair.manager.id), solution, name="水位見守りサービス",
                     summary="河川の水位を測ります。", expected_version=solution.version)
    assert _get(Solution, solution.id).name == "水位見守りサービス"
    assert db.session.scalar(select(HistoryEvent.to_state).where(
        HistoryEvent.entity_type == "solution").order_by(HistoryEvent.id.desc()).limit(1)) \
        == "edited"


@pytest.mark.parametrize("who", ["town", "firm"])
def test_only_managers_edit_a_solution(app, ctx, who):
    pair = adopt(app, capabilities=[{"title": "水位センサー"}])
    solution = _get(Solution, _get(Pilot, pair.pilot_id).solution_id)
    with pytest.raises(PermissionDenied, match="事務局"):
        catalogue.update(_get(User, getattr(pair, who).id), solution, name="別名", summary="",
                         expected_version=None)
    assert _get(Solution, solution.id).name == "水位センサー"


def test_a_blank_name_is_refused_and_nothing_changes(app, ctx):
    pair = adopt(app, capabilities=[{"title": "水位センサー"}])
    solution = _get(Solution, _get(Pilot, pair.pilot_id).solution_id)
    with pytest.raises(DomainError, match="名前") as refused:
        catalogue.update(_get(User, pair.manager.id), solution, name="  ", summary="x",
                         expected_version=None)
    assert refused.value.field == "name"
    db.session.expire_all()
    assert _get(Solution, solution.id).summary != "x"


# --- ratings -----------------------------------------------------------------------------------

def test_the_adopting_town_rates_at_adoption_once(app, ctx):
    pair = adopt(app, capabilities=[{"title": "水位センサー"}])
    rating = _rate(pair.town, pair.pilot_id, comment="住民の評判も良い。")
    assert (rating.fit, rating.support, rating.price, rating.results) == (4, 5, 3, 4)
    assert rating.municipality_id == pair.town.org_id
    assert db.session.scalar(select(HistoryEvent.to_state).where(
        HistoryEvent.entity_type == "solution_rating")) == "at_adoption"
    with pytest.raises(DomainError, match="既に") as second:
        _rate(pair.town, pair.pilot_id, fit=1)
    assert second.value.field == "occasion"
    assert db.session.scalar(select(func.count()).select_from(SolutionRating)) == 1


def test_a_colleague_of_the_town_may_rate_but_not_another_town_or_the_startup(app, ctx):
    pair = adopt(app, capabilities=[{"title": "水位センサー"}])
    other_town = factories.user(app, "municipality")
    for outsider in (other_town, pair.firm, pair.manager):
        with pytest.raises(PermissionDenied, match="導入した自治体"):
            _rate(outsider, pair.pilot_id)
    colleague = factories.user(app, "municipality", org_id=pair.town.org_id)
    _rate(colleague, pair.pilot_id)
    assert db.session.scalar(select(func.count()).select_from(SolutionRating)) == 1


def test_a_town_whose_pair_is_not_adopted_cannot_rate(app, ctx):
    town, firm = factories.user(app, "municipality"), factories.user(app, "startup")
    challenge_id = factories.challenge(app, town)
    pilot_id = factories.pilot(app, town, challenge_id, firm.org_id, stage="budgeting")
    with pytest.raises(DomainError, match="導入していません"):
        _rate(town, pilot_id)


def test_scores_outside_one_to_five_are_refused(app, ctx):
    pair = adopt(app, capabilities=[{"title": "水位センサー"}])
    for aspect in ("fit", "support", "price", "results"):
        for value in (0, 6, -1, None, "3", True, 2.5):
            with pytest.raises(DomainError, match="1から5") as refused:
                _rate(pair.town, pair.pilot_id, **{aspect: value})
            assert refused.value.field == aspect
    assert db.session.scalar(select(func.count()).select_from(SolutionRating)) == 0
    assert _rate(pair.town, pair.pilot_id, fit=1, support=5).fit == 1  # both ends are scores


def test_the_six_month_rating_waits_six_months(app, ctx):
    pair = adopt(app, capabilities=[{"title": "水位センサー"}])
    with pytest.raises(DomainError, match="6か月後の評価は") as early:
        _rate(pair.town, pair.pilot_id, "six_months")
    assert early.value.field == "occasion"
    _age(pair.pilot_id, 181)
    with pytest.raises(DomainError, match="6か月後の評価は"):
        _rate(pair.town, pair.pilot_id, "six_months")
    _age(pair.pilot_id, 183)
    assert _rate(pair.town, pair.pilot_id, "six_months").occasion == "six_months"
    with pytest.raises(DomainError, match="既に"):
        _rate(pair.town, pair.pilot_id, "six_months")


def test_an_unknown_occasion_and_a_long_comment_are_refused(app, ctx):
    pair = adopt(app, capabilities=[{"title": "水位センサー"}])
    with pytest.raises(DomainError) as unknown:
        _rate(pair.town, pair.pilot_id, "next_year")
    assert unknown.value.field == "occasion"
    with pytest.raises(DomainError, match="2000") as long:
        _rate(pair.town, pair.pilot_id, comment="あ" * 2001)
    assert long.value.field == "comment"


def test_averages_come_with_their_count(app, ctx):
    first = adopt(app, capabilities=[{"title": "水位センサー"}])
    second = adopt(app, firm=first.firm, manager=first.manager)
    solution_id = _get(Pilot, first.pilot_id).solution_id
    assert ratings.averages([solution_id])[solution_id].count == 0
    _rate(first.town, first.pilot_id, fit=5, price=2)
    _rate(second.town, second.pilot_id, fit=4, price=3)
    found = ratings.averages([solution_id])[solution_id]
    assert found.count == 2
    assert found.scores == {"fit": 4.5, "support": 5.0, "price": 2.5, "results": 4.0}


# --- the action list ---------------------------------------------------------------------------

def _rating_items(record):
    found = actions.for_user(_get(User, record.id), shown=100)
    return [item for item in found.mine if item.kind == "rating_due"]


def test_the_town_is_prompted_at_adoption_and_again_after_six_months(app, ctx):
    pair = adopt(app, capabilities=[{"title": "水位センサー"}])
    items = _rating_items(pair.town)
    assert len(items) == 1 and "導入時" in items[0].note and items[0].url.endswith("#rating")
    assert not _rating_items(pair.firm)
    _rate(pair.town, pair.pilot_id)
    assert _rating_items(pair.town) == []
    _age(pair.pilot_id, 183)
    items = _rating_items(pair.town)
    assert len(items) == 1 and "6か月後" in items[0].note
    _rate(pair.town, pair.pilot_id, "six_months")
    assert _rating_items(pair.town) == []


# --- the catalogue's list ----------------------------------------------------------------------

def _names(**filters) -> list[str]:
    query = catalogue_lists.list_query(catalogue_lists.Filters(**filters))
    return [s.name for s in db.session.scalars(query).unique()]


def test_the_list_filters_in_sql(app, ctx):
    manager = factories.user(app, "manager")
    adopt(app, manager=manager, categories=["disaster"], population=8_000,
          route=ProcurementRoute.small_amount, capabilities=[{"title": "小さな町の防災"}])
    adopt(app, manager=manager, categories=["childcare"], population=120_000,
          route=ProcurementRoute.proposal,
          capabilities=[{"title": "子育てアプリ", "categories": ["childcare"]}])
    adopt(app, manager=manager, categories=["mobility"], population=1_300_000,
          route=ProcurementRoute.marketplace,
          capabilities=[{"title": "MaaS基盤", "categories": ["mobility"]}])
    assert sorted(_names()) == ["MaaS基盤", "子育てアプリ", "小さな町の防災"]
    assert _names(category="childcare") == ["子育てアプリ"]
    assert _names(population="under_10k") == ["小さな町の防災"]
    assert _names(population="50k_200k") == ["子育てアプリ"]
    assert _names(population="over_200k") == ["MaaS基盤"]
    assert _names(population="10k_50k") == []
    assert _names(route="proposal") == ["子育てアプリ"]
    assert _names(route="proposal", population="under_10k") == []
    assert _names(q="MaaS") == ["MaaS基盤"]
    assert sorted(_names(category="nonsense", route="nonsense")) == sorted(_names())


def test_solutions_without_an_adoption_or_of_a_suspended_startup_are_not_listed(app, ctx):
    pair = adopt(app, capabilities=[{"title": "水位センサー"}])
    db.session.add(Solution(startup_id=pair.firm.org_id, name="未導入"))
    db.session.commit()
    assert _names() == ["水位センサー"]
    from govtech.models import OrgState
    from govtech.services import organisations
    organisations.set_state(_get(User, pair.manager.id), _get(Organisation, pair.firm.org_id),
                            OrgState.suspended)
    assert _names() == []


def test_a_card_has_towns_routes_cost_range_case_and_valid_certification(app, ctx):
    first = adopt(app, capabilities=[{"title": "水位センサー"}], population=71_000,
                  route=ProcurementRoute.certified, cost=1_200_000)
    second = adopt(app, firm=first.firm, manager=first.manager, population=459_000,
                   route=ProcurementRoute.small_amount, cost=800_000)
    solution_id = _get(Pilot, first.pilot_id).solution_id
    case_id = factories.marketing(app, first.pilot_id, first.town, first.firm, first.manager,
                                  state="published")
    today = challenges.today()
    for town, until, state in ((first.town, today + timedelta(days=300), "granted"),
                               (second.town, today - timedelta(days=1), "granted"),
                               (second.town, today + timedelta(days=10), "draft")):
        db.session.add(Certification(municipality_id=town.org_id, startup_id=first.firm.org_id,
                                     product_name="水位センサー", valid_until=until,
                                     state=CertificationState(state)))
    db.session.commit()
    card = catalogue_lists.summaries([_get(Solution, solution_id)])[solution_id]
    assert [t.population for t in card.towns] == [71_000, 459_000]
    assert (card.cost_low, card.cost_high, card.adoptions) == (800_000, 1_200_000, 2)
    assert set(card.routes) == {"certified", "small_amount"}
    assert card.case is not None and card.case.id == case_id
    assert [c.municipality_id for c in card.certifications] == [first.town.org_id]
