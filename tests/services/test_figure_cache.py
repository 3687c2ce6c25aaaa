"""The programme-wide dashboard figures are kept for a while; nobody else's are."""
from __future__ import annotations

import pytest

from govtech.services import figure_cache
from govtech.services.dashboard import Scope


@pytest.fixture
def keeping(app, monkeypatch):
    monkeypatch.setitem(app.config, "DASHBOARD_CACHE_SECONDS", 60)
    figure_cache.forget()
    yield
    figure_cache.forget()


def counter():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)
    return calls, compute


def test_programme_figures_are_counted_once_while_fresh(ctx, keeping):
    calls, compute = counter()
    first, counted = figure_cache.remember(Scope("programme"), "funnel", compute)
    again, counted_again = figure_cache.remember(Scope("programme"), "funnel", compute)
    assert (first, again, len(calls)) == (1, 1, 1)
    assert counted_again == counted  # the page says when the kept figure was counted
    figure_cache.forget()
    assert figure_cache.remember(Scope("programme"), "funnel", compute)[0] == 2


def test_an_organisations_figures_are_always_fresh(ctx, keeping):
    calls, compute = counter()
    for _ in range(3):
        figure_cache.remember(Scope("municipality", 7), "funnel", compute)
    assert len(calls) == 3


def test_nothing_is_kept_when_the_setting_is_zero(ctx, app):
    assert app.config["DASHBOARD_CACHE_SECONDS"] == 0
    calls, compute = counter()
    figure_cache.remember(Scope("programme"), "funnel", compute)
    figure_cache.remember(Scope("programme"), "funnel", compute)
    assert len(calls) == 2


def test_the_front_page_counts_are_kept_too(client, app, keeping, monkeypatch):
    from govtech.services import programme

    calls = []
    original = programme.public_counts
    monkeypatch.setattr(programme, "public_counts", lambda: calls.append(1) or original())
    assert client.get("/").status_code == 200 and client.get("/").status_code == 200
    assert len(calls) == 1


def test_each_period_is_kept_apart(ctx, keeping):
    """This month's figure is not served for the fiscal year's, nor the other way round."""
    calls, compute = counter()
    month = figure_cache.remember(Scope("programme"), "moves", compute, "month:2026-12-01")[0]
    year = figure_cache.remember(Scope("programme"), "moves", compute, "fiscal_year:2026-04-01")[0]
    again = figure_cache.remember(Scope("programme"), "moves", compute, "month:2026-12-01")[0]
    assert (month, year, again, len(calls)) == (1, 2, 1, 2)
