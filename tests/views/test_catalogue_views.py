"""The catalogue's pages (issue 17, part 7): the public list with its filters, a solution's
page, the manager's edit, the rating form on the pair's page and the 横展開 link."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from govtech.extensions import db
from govtech.models import Pilot
from govtech.models.base import utcnow
from govtech.models.enums import ProcurementRoute
from govtech.models.procurement import Solution, SolutionRating
from tests import factories
from tests.html import field_errors, flash_messages, form_errors, get_page, post_page, text, texts
from tests.test_catalogue import adopt

SCORES = {"rating-occasion": "at_adoption", "rating-fit": "4", "rating-support": "5",
          "rating-price": "3", "rating-results": "4", "rating-comment": "職員の負担が減った。"}


def _solution_id(app, pilot_id: int) -> int:
    with app.app_context():
        return db.session.get(Pilot, pilot_id).solution_id


def _ratings(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SolutionRating))


def test_anyone_browses_the_list_and_a_solution(app, client):
    pair = adopt(app, capabilities=[{"title": "水位センサー"}], population=71_000,
                 route=ProcurementRoute.small_amount, cost=1_200_000)
    solution_id = _solution_id(app, pair.pilot_id)
    page = get_page(client, "/catalogue/")
    assert texts(page, ".solution-card .item-title") == ["水位センサー"]
    card = text(page.select_one(".solution-card"))
    assert "120万円" in card and "少額随意契約" in card and "人口71,000人" in card
    assert "評価はまだありません" in card
    page = get_page(client, f"/catalogue/{solution_id}")
    assert text(page.select_one("h1")) == "水位センサー"
    assert "71,000" in text(page.select_one(".solution-towns"))
    assert page.select_one("a[href$='/edit']") is None  # the public does not edit
    english = get_page(client, f"/catalogue/{solution_id}?lang=en")
    assert "No ratings yet" in text(english.select_one("#ratings"))
    assert "¥1,200,000" in text(english.select_one("#towns"))


def test_the_list_filters_by_category_population_and_route(app, client):
    manager = factories.user(app, "manager")
    adopt(app, manager=manager, categories=["disaster"], population=8_000,
          route=ProcurementRoute.small_amount, capabilities=[{"title": "防災"}])
    adopt(app, manager=manager, categories=["mobility"], population=900_000,
          route=ProcurementRoute.proposal,
          capabilities=[{"title": "MaaS", "categories": ["mobility"]}])
    titles = lambda url: texts(get_page(client, url), ".solution-card .item-title")  # noqa: E731
    assert sorted(titles("/catalogue/")) == ["MaaS", "防災"]
    assert titles("/catalogue/?category=mobility") == ["MaaS"]
    assert titles("/catalogue/?population=under_10k") == ["防災"]
    assert titles("/catalogue/?route=proposal") == ["MaaS"]
    page = get_page(client, "/catalogue/?route=marketplace")
    assert "条件に合う解決策はありません" in text(page.select_one(".empty"))
    assert "絞り込み（1件適用中）" in text(page.select_one(".filters-summary"))


def test_ratings_show_averages_with_their_count(app, client):
    first = adopt(app, capabilities=[{"title": "水位センサー"}])
    second = adopt(app, firm=first.firm, manager=first.manager)
    for pair, fit in ((first, "5"), (second, "4")):
        town = app.test_client()
        factories.login(town, pair.town)
        post_page(town, f"/catalogue/pilots/{pair.pilot_id}/rating",
                  SCORES | {"rating-fit": fit}, status=302)
    page = get_page(client, f"/catalogue/{_solution_id(app, first.pilot_id)}")
    averages = {dd.find_previous_sibling("dt").get_text(): dd.get_text()
                for dd in page.select("#ratings .rating-average dd")}
    assert averages == {"業務への適合": "4.5（2件）", "サポート": "5.0（2件）",
                        "価格": "3.0（2件）", "成果": "4.0（2件）"}
    listing = get_page(client, "/catalogue/?lang=en")
    assert "4.5 (2 ratings)" in text(listing.select_one(".rating-averages"))
    assert "職員の負担が減った。" in text(page.select_one(".rating-comments"))


def test_the_town_rates_on_the_pair_page(app, client):
    pair = adopt(app, capabilities=[{"title": "水位センサー"}])
    factories.login(client, pair.town)
    page = get_page(client, f"/pilots/{pair.pilot_id}")
    assert page.select_one("#rating form") is not None
    assert "導入時" in text(page.select_one("#rating"))
    home = get_page(client, "/home")
    assert "解決策を評価する" in text(home.select_one("main"))
    page = post_page(client, f"/catalogue/pilots/{pair.pilot_id}/rating", SCORES,
                     follow_redirects=True)
    assert flash_messages(page) == ["評価を保存しました。ご協力ありがとうございます。"]
    assert "6か月後" in text(page.select_one("#rating"))  # the next one, and when it opens
    assert page.select_one("#rating form") is None
    assert _ratings(app) == 1


def test_a_refused_rating_keeps_what_was_typed(app, client):
    pair = adopt(app, capabilities=[{"title": "水位センサー"}])
    factories.login(client, pair.town)
    url = f"/catalogue/pilots/{pair.pilot_id}/rating"
    page = post_page(client, url, SCORES | {"rating-price": "9"}, status=400)
    assert field_errors(page, "rating-price") == ["価格は1から5の点数で評価してください。"]
    assert page.select_one("input[name=rating-fit][value='4']").has_attr("checked")
    assert "職員の負担が減った。" in page.select_one("textarea[name=rating-comment]").text
    page = post_page(client, url, {k: v for k, v in SCORES.items() if k != "rating-support"},
                     status=400)
    assert field_errors(page, "rating-support") == ["1から5の点数を選んでください。"]
    page = post_page(client, url, SCORES | {"rating-occasion": "six_months"}, status=400)
    assert any("6か月後の評価は" in e for e in form_errors(page) + texts(page, ".error"))
    assert _ratings(app) == 0
    client.post(url, data=SCORES)
    page = post_page(client, url, SCORES, status=400)
    assert any("既に登録されています" in e for e in texts(page, ".error"))
    assert _ratings(app) == 1


def test_the_six_month_rating_after_six_months(app, client):
    pair = adopt(app, capabilities=[{"title": "水位センサー"}])
    factories.login(client, pair.town)
    url = f"/catalogue/pilots/{pair.pilot_id}/rating"
    client.post(url, data=SCORES)
    with app.app_context():
        db.session.execute(update(Pilot).where(Pilot.id == pair.pilot_id)
                           .values(closed_at=utcnow() - timedelta(days=200)))
        db.session.commit()
    page = get_page(client, f"/pilots/{pair.pilot_id}")
    assert page.select_one("#rating input[name=rating-occasion]")["value"] == "six_months"
    post_page(client, url, SCORES | {"rating-occasion": "six_months"}, status=302)
    assert _ratings(app) == 2


def test_other_towns_startups_managers_and_the_public_cannot_rate(app, client):
    pair = adopt(app, capabilities=[{"title": "水位センサー"}])
    url = f"/catalogue/pilots/{pair.pilot_id}/rating"
    assert client.post(url, data=SCORES).status_code == 302  # to the login page
    factories.login(client, factories.user(app, "municipality"))
    assert client.post(url, data=SCORES).status_code == 404  # another town's pair
    for role in ("startup", "manager"):
        other = app.test_client()
        factories.login(other, pair.firm if role == "startup" else pair.manager)
        assert other.post(url, data=SCORES).status_code == 403
    assert _ratings(app) == 0
    startup = app.test_client()
    factories.login(startup, pair.firm)
    page = get_page(startup, f"/pilots/{pair.pilot_id}")
    # the startup sees the panel, without the form
    assert page.select_one("#rating") is not None and page.select_one("#rating form") is None


def test_a_manager_edits_a_solution_and_others_may_not(app, client):
    pair = adopt(app, capabilities=[{"title": "水位センサー"}])
    solution_id = _solution_id(app, pair.pilot_id)
    url = f"/catalogue/{solution_id}/edit"
    for record in (pair.town, pair.firm):
        other = app.test_client()
        factories.login(other, record)
        assert other.get(url).status_code == 403
    assert client.get(url).status_code == 302
    factories.login(client, pair.manager)
    page = get_page(client, url)
    version = page.select_one("input[name=version]")["value"]
    page = post_page(client, url, {"name": "", "summary": "新しい概要", "version": version},
                     status=400)
    assert field_errors(page, "name")
    assert page.select_one("textarea[name=summary]").text.strip() == "新しい概要"
    post_page(client, url, {"name": "水位見守り", "summary": "新しい概要", "version": version},
              status=302)
    with app.app_context():
        assert db.session.get(Solution, solution_id).name == "水位見守り"
    page = get_page(client, f"/catalogue/{solution_id}")
    assert text(page.select_one("h1")) == "水位見守り"


def test_unlisted_and_missing_solutions_are_404(app, client):
    pair = adopt(app, capabilities=[{"title": "水位センサー"}])
    with app.app_context():
        unlisted = Solution(startup_id=pair.firm.org_id, name="未導入")
        db.session.add(unlisted)
        db.session.commit()
        unlisted_id = unlisted.id
    assert client.get(f"/catalogue/{unlisted_id}").status_code == 404
    assert client.get("/catalogue/999999").status_code == 404


def test_case_pages_link_to_the_catalogue(app, client):
    pair = adopt(app, capabilities=[{"title": "水位センサー"}])
    case_id = factories.marketing(app, pair.pilot_id, pair.town, pair.firm, pair.manager,
                                  state="published")
    solution_id = _solution_id(app, pair.pilot_id)
    assert get_page(client, "/cases/").select_one("a[href='/catalogue/']") is not None
    page = get_page(client, f"/cases/{case_id}")
    assert page.select_one(f"a[href='/catalogue/{solution_id}']") is not None
    listing = get_page(client, "/catalogue/")
    assert listing.select_one(f"a[href='/cases/{case_id}']") is not None
    nav = get_page(client, "/")
    assert "導入実績カタログ" in texts(nav, "#site-nav a")


def test_a_rating_for_a_pair_not_adopted_is_refused_in_words(app, client):
    town, firm = factories.user(app, "municipality"), factories.user(app, "startup")
    challenge_id = factories.challenge(app, town)
    pilot_id = factories.pilot(app, town, challenge_id, firm.org_id, stage="budgeting")
    factories.login(client, town)
    page = post_page(client, f"/catalogue/pilots/{pilot_id}/rating", SCORES, status=400)
    assert any("導入していません" in m for m in texts(page, "main .alert"))
    assert _ratings(app) == 0
