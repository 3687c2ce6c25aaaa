"""Phones (issue 16 part 7), in headless Chromium at 375 px.

On a list the filters fold behind 「絞り込み（2件適用中）」 so the first result is on the first
screen; on laptops they are all shown. On list and detail pages everything one taps (buttons,
links styled as buttons, the menu and language switch, folded sections, checkboxes with their
labels, pagination) is at least 44 × 44 px.
"""
from __future__ import annotations

import pytest

from tests import factories
from tests.browser.conftest import DESKTOP, log_in

pytest.importorskip("playwright", reason="Playwright for Python is not installed")
from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

SMALL = {"width": 375, "height": 812}

# What a finger taps. Text links inside sentences and card titles are exempt (WCAG 2.5.8).
TAPPABLE = ", ".join([
    "main .button", "main button", "main summary", "main select", "main input[type=search]",
    "main .check", ".pager a", ".utility-bar a", ".utility-bar button", ".nav-toggle",
])

TOO_SMALL = """(selector) => Array.from(document.querySelectorAll(selector))
  .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
  .map((el) => ({el, box: el.getBoundingClientRect()}))
  .filter(({box}) => box.width > 0 && (box.height < 43.5 || box.width < 43.5))
  .map(({el, box}) => `${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim()
    .slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)}`)"""


def _too_small(page) -> list[str]:
    return page.evaluate(TOO_SMALL, TAPPABLE)


@pytest.fixture
def programme(app):
    town = factories.user(app, "municipality", prefecture="11")
    startup = factories.user(app, "startup")
    ids = [factories.challenge(app, town, title=f"防災情報の配信 その{n}", categories=["disaster"])
           for n in range(1, 24)]
    factories.proposal(app, startup, ids[0])
    return town, startup, ids


def test_filters_fold_on_a_phone_and_the_first_result_is_on_the_first_screen(
        programme, new_page):
    _town, startup, _ids = programme
    page = new_page(SMALL)
    log_in(page, startup.email, startup.password)
    page.goto("/challenges/?category=disaster&prefecture=11")
    summary = page.locator("details.filters-more > summary")
    expect(summary).to_have_text("絞り込み（2件適用中）")
    expect(page.locator("select[name=category]")).to_be_hidden()
    expect(page.locator("input[name=q]")).to_be_visible()
    first = page.locator(".item-card").first.bounding_box()
    assert first["y"] < SMALL["height"] - 60, first
    assert _too_small(page) == []
    summary.click()
    expect(page.locator("select[name=category]")).to_be_visible()
    page.set_viewport_size(DESKTOP)
    page.reload()
    expect(page.locator("select[name=category]")).to_be_visible()
    expect(page.locator("details.filters-more > summary")).to_be_hidden()


def test_detail_and_list_pages_keep_their_tap_targets_and_labels(programme, new_page):
    town, startup, ids = programme
    page = new_page(SMALL)
    log_in(page, startup.email, startup.password)
    page.goto(f"/challenges/{ids[1]}")
    apply = page.locator(".key-facts .button")
    expect(apply).to_have_text("この課題に提案する")
    assert apply.bounding_box()["y"] + 44 < SMALL["height"]  # under the title, on screen one
    assert _too_small(page) == []
    page.goto("/proposals/")
    cell = page.locator("table.table td").first
    label = cell.evaluate("(td) => getComputedStyle(td, '::before').content")
    assert "課題" in label
    assert _too_small(page) == []
    owner = new_page(SMALL)
    log_in(owner, town.email, town.password)
    owner.goto(f"/challenges/{ids[2]}")
    owner.locator("details.more-actions > summary").click()
    expect(owner.locator(".confirm-check").first).to_contain_text("募集を終了します")
    assert _too_small(owner) == []
    owner.goto("/challenges/?mine=1")
    expect(owner.locator(".pager a")).to_have_count(1)
    assert _too_small(owner) == []
