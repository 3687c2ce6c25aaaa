"""A programme manager sets up two-step sign-in in a real browser, then logs in with a code
(issue 10, item 1): the QR code is drawn by the server, the code computed here from the secret."""
from __future__ import annotations

import re

import pyotp
import pytest

from tests import factories
from tests.browser.conftest import log_in

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402


def test_manager_enrols_then_logs_in_with_a_code(app, new_page, shot):
    manager = factories.user(app, "manager", name="事務局 二段", two_step=False)
    page = new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    # The password alone leads only to the set-up page, whatever page is asked for.
    log_in(page, manager.email, manager.password)
    expect(page).to_have_url(re.compile(r"/account/two-step$"))
    page.goto("/admin/organisations")
    expect(page).to_have_url(re.compile(r"/account/two-step$"))
    expect(page.locator("#two-step-required")).to_be_visible()
    page.locator("main form").get_by_role("button").click()

    # The QR code is inline SVG from the server; the key is shown in text beside it.
    expect(page.locator(".qr-code svg")).to_be_visible()
    secret = page.locator("#two-step-secret").inner_text().replace(" ", "")
    shot(page, "two-step-01-enrol")
    totp = pyotp.TOTP(secret)
    page.locator("input[name=on-code]").fill(totp.now())
    page.locator("main form").get_by_role("button").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    shot(page, "two-step-02-recovery-codes")
    assert all(url.startswith(page.url.split("/account")[0]) for url in requests), requests

    # Now the manager can work; after logging out, a login asks for the code.
    page.goto("/admin/organisations")
    expect(page).to_have_url(re.compile(r"/admin/organisations"))
    page.context.clear_cookies()
    log_in(page, manager.email, manager.password)
    expect(page).to_have_url(re.compile(r"/login/code"))
    page.locator("input[name=code]").fill("000000" if totp.now() != "000000" else "111111")
    page.locator("main").get_by_role("button", name="ログイン").click()
    expect(page.locator(".field .error")).to_be_visible()
    shot(page, "two-step-03-wrong-code")
    page.locator("input[name=code]").fill(factories.fresh_code(app, factories.UserRecord(
        manager.id, manager.email, "manager", None, manager.password, secret)))
    page.locator("main").get_by_role("button", name="ログイン").click()
    expect(page.locator(".home-welcome")).to_have_text("ようこそ、事務局 二段様")
