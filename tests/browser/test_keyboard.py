"""A whole journey with the keyboard alone (WCAG 2.1.1, 2.4.1, 2.4.3, 2.4.7, 3.3.1, 2.2.1):
the skip link, the header's menu, a form sent with an error and corrected from its summary, the
pilot board and a confirmation, and the session time-out warning. Every stop must show where
the focus is (an outline or a ring on :focus-visible), in an order that follows the page.

Only the log-in (set-up, tested elsewhere) uses the mouse.
"""
from __future__ import annotations

import re

import pytest

from tests import factories
from tests.browser.conftest import DESKTOP, log_in

pytest.importorskip("playwright", reason="Playwright for Python is not installed")
from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id,
    name: (el.getAttribute('aria-label') || el.innerText || el.value || '').trim().slice(0, 60),
    ring: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
          || style.boxShadow !== 'none',
    style: [style.outlineStyle, style.outlineWidth, style.boxShadow, el.className].join(' | '),
    visible: box.width > 0 && box.height > 0,
    top: box.top + window.scrollY, left: box.left,
  };
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab(page, times: int = 1, back: bool = False) -> dict:
    """Press Tab (or Shift+Tab); the element that has the focus must show it."""
    for _ in range(times):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        now = focused(page)
        assert now["visible"] and now["ring"], f"focus not visible on {now}"
    return now


def tab_to(page, name: str | re.Pattern, limit: int = 60) -> list[dict]:
    """Tab until the focused element's name matches; returns every stop on the way."""
    stops = []
    for _ in range(limit):
        stops.append(tab(page))
        text = stops[-1]["name"]
        if (name.search(text) if isinstance(name, re.Pattern) else text == name):
            return stops
    raise AssertionError(f"{name!r} not reached by Tab: {[s['name'] for s in stops]}")


def test_a_journey_with_the_keyboard_alone(app, new_page):
    town = factories.user(app, "municipality", name="由利 花子")
    startup = factories.user(app, "startup", name="センサー 次郎")
    challenge_id = factories.challenge(app, town, state="open", title="河川水位の見える化")
    factories.pilot(app, town, challenge_id, startup.org_id)
    page = new_page(viewport=DESKTOP)
    page.clock.install()  # the time-out warning's timers run on a clock the test moves
    log_in(page, town.email, town.password)
    page.goto("/home")

    # 1. The first Tab reaches the skip link; it jumps past the header to the content.
    skip = tab(page)
    assert skip["name"] == "本文へ移動" and skip["top"] < 100
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    first_in_main = tab(page)
    header_bottom = page.locator(".site-header").bounding_box()["height"]
    assert first_in_main["top"] > header_bottom

    # 2. From the top, the header in reading order: language, account, brand, links, menu.
    page.goto("/home")
    stops = tab_to(page, "その他")
    names = [stop["name"] for stop in stops]
    assert names[0] == "本文へ移動"
    assert names.index("English") < names.index("由利 花子") < names.index("ログアウト") \
        < names.index("ホーム") < names.index("課題") < names.index("その他")
    rows = [stop["top"] for stop in stops[1:]]
    assert rows == sorted(rows, key=lambda top: round(top / 20)), "focus jumps between rows"
    more = page.get_by_role("button", name="その他")
    expect(more).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(more).to_have_attribute("aria-expanded", "true")
    assert tab(page)["name"] == "プログラム"  # into the menu, its first link
    page.keyboard.press("Escape")
    expect(more).to_have_attribute("aria-expanded", "false")
    expect(more).to_be_focused()
    page.keyboard.press("Space")
    tab_to(page, "導入事例", limit=4)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/cases/$"))

    # 3. A form sent with an error: the summary is announced and focused, its link leads to
    #    the field, which says what is wrong; corrected, the form goes through.
    page.goto("/challenges/new")
    tab(page)
    page.keyboard.press("Enter")  # skip link
    tab_to(page, "保存", limit=80)
    page.keyboard.press("Enter")
    summary = page.locator(".error-summary")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()
    assert tab(page)["name"] == "タイトル"  # the first link in the summary
    page.keyboard.press("Enter")
    title = page.locator("#title")
    expect(title).to_be_focused()
    expect(title).to_have_attribute("aria-invalid", "true")
    error_id = title.get_attribute("aria-describedby").split()[-1]
    expect(page.locator(f"#{error_id}")).not_to_be_empty()
    page.keyboard.type("防災アプリの導入")
    tab_to(page, "保存", limit=80)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="防災アプリの導入")).to_be_visible()

    # 4. The pilot board, the pair's page and a confirmation: the move opens (a disclosure),
    #    and only its confirm button moves the pair.
    page.goto("/pilots/")
    tab_to(page, re.compile("河川水位の見える化"), limit=80)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("河川水位の見える化"))).to_be_visible()
    tab_to(page, re.compile("へ進める"), limit=80)
    page.keyboard.press("Enter")
    confirm = tab_to(page, re.compile("で確定"), limit=6)[-1]
    stage = confirm["name"].removeprefix("「").split("」")[0]
    page.keyboard.press("Enter")
    expect(page.locator(".alert--success")).to_contain_text(stage)

    # 5. The session time-out warning opens before the idle limit; "stay signed in" works from
    #    the keyboard and returns the focus to the page.
    idle = int(page.locator("#session-dialog").get_attribute("data-idle-seconds"))
    warn = int(page.locator("#session-dialog").get_attribute("data-warn-seconds"))
    page.clock.run_for((idle - 60 - warn + 1) * 1000)
    dialog = page.locator("#session-dialog")
    expect(dialog).to_be_visible()
    stay = page.get_by_role("button", name="ログインを続ける")
    expect(stay).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    page.clock.run_for((idle - 60 - warn - 5) * 1000)
    expect(dialog).to_be_hidden()  # the extension restarted the count
