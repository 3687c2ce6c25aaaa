"""Hostile input gets a 4xx and is never shown as live markup."""
from __future__ import annotations

import pytest

from tests.html import get_page, parse, post_page

PAYLOAD = '<script id="xss">alert(1)</script><img src=x onerror="alert(2)">'


def _live(page) -> list:
    """Elements the payload would create if it were printed raw."""
    return page.select("script#xss") + page.select("img[onerror]")


def _version(client, url: str) -> str:
    """The version the edit form carries, as a person's browser would send it back."""
    return get_page(client, url).select_one("input[name=version]")["value"]


def test_track_record_error_escapes_the_users_text(client, login_as):
    """The error that quotes a line the form did not understand prints it as text."""
    user = login_as("startup")
    page = post_page(client, f"/startups/{user.org_id}/capabilities/new",
                     {"title": "防災アプリ", "track_record": PAYLOAD}, status=400)
    assert _live(page) == []
    assert "alert(1)" in page.get_text()


@pytest.mark.parametrize("address", ["javascript:alert(1)", "data:text/html,hi",
                                     "JaVaScRiPt:alert(1)", "ftp://example.jp/"])
def test_website_accepts_http_and_https_only(client, login_as, address):
    user = login_as("startup")
    url = f"/startups/{user.org_id}/edit"
    page = post_page(client, url, {"website": address, "version": _version(client, url)},
                     status=400)
    assert page.select(".error")
    shown = get_page(client, f"/startups/{user.org_id}")
    assert not shown.select('a[href^="javascript"]') and not shown.select('a[href^="data"]')


def test_website_keeps_https(client, login_as):
    user = login_as("startup")
    url = f"/startups/{user.org_id}/edit"
    response = client.post(url, data={"website": "https://example.jp/",
                                      "version": _version(client, url)})
    assert response.status_code == 302
    assert get_page(client, f"/startups/{user.org_id}").select('a[href="https://example.jp/"]')


@pytest.mark.parametrize("page_arg", ["99999999999999999999999", "0", "-3"])
def test_page_numbers_out_of_range_are_400(client, page_arg):
    page = parse(client.get(f"/challenges/?page={page_arg}"), status=400)
    assert "ページ番号" in page.get_text()


def test_page_that_is_not_a_number_is_the_first(client):
    assert client.get("/challenges/?page=abc").status_code == 200


@pytest.mark.parametrize("value", ["99999999999999999999", "2147483648", "-1"])
def test_budget_out_of_range_is_a_form_error(client, login_as, value):
    login_as("municipality")
    page = post_page(client, "/challenges/new", {"title": "課題", "budget_min": value},
                     status=400)
    assert page.select(".error")


def test_founding_year_out_of_range_is_a_form_error(client, login_as):
    user = login_as("startup")
    url = f"/startups/{user.org_id}/edit"
    page = post_page(client, url, {"founded_year": "99999999999999999999",
                                   "version": _version(client, url)}, status=400)
    assert page.select(".error")


def test_anonymous_search_matches_only_what_the_public_reads(app, client, login_as):
    """A visitor cannot learn whether members-only text contains a word."""
    from tests import factories

    town = factories.user(app, "municipality")
    factories.challenge(app, town, title="窓口の混雑", summary="来庁者の待ち時間",
                        description="非公開の予算メモ 機密語彙", tags=["秘匿タグ"])
    for word in ("機密語彙", "秘匿タグ"):
        page = get_page(client, f"/challenges/?q={word}")
        assert "窓口の混雑" not in page.get_text(), word
    assert "窓口の混雑" in get_page(client, "/challenges/?q=来庁").get_text()
    login_as("startup")
    assert "窓口の混雑" in get_page(client, "/challenges/?q=機密語彙").get_text()


def test_reindex_command_rebuilds_both_term_lists(app):
    from tests import factories

    town = factories.user(app, "municipality")
    factories.challenge(app, town, title="防災アプリ")
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "Reindexed 1 challenges" in result.output


def test_cost_estimate_out_of_range_is_a_form_error(app, client):
    """A cost too large for the database's INTEGER is refused by the form, not a 500."""
    from tests import factories

    town = factories.user(app, "municipality")
    cid = factories.challenge(app, town)
    factories.login(client, factories.user(app, "startup"))
    page = post_page(client, f"/challenges/{cid}/apply",
                     {"approach": "提案", "cost_estimate": "99999999999"}, status=400)
    assert page.select(".error")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_a_minimum_score_that_is_not_a_number_is_ignored_not_a_500(client, login_as, value):
    login_as("manager")
    assert client.get(f"/recommendations/?min_score={value}").status_code == 200
