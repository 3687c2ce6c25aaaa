"""The foundation through the real UI, in headless Chromium.

A municipality signs up, a manager approves it, the municipality sees itself approved, switches
the language to English, and opens the menu on a phone. A second test walks the main pages at
desktop and phone widths and checks that none of them scrolls sideways. With SCREENSHOT_DIR set,
every step is saved as a full-page screenshot.
"""
from __future__ import annotations

import re

import pytest

from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, log_in

pytest.importorskip("playwright", reason="Playwright for Python is not installed")
from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

ORG_NAME = "さいたま市 DX推進課"
LG_CODE = "111007"  # Saitama City; the check digit is valid
EMAIL = "dx@city.saitama.example.jp"


def test_signup_approval_language_and_phone_menu(app, new_page, shot):
    # 1. A municipality signs up through the form, follows the confirmation link it is mailed,
    #    logs in and lands on its home page, awaiting approval.
    outbox = factories.Outbox(app.config["MAIL_OUTBOX"])
    outbox.clear()
    town = new_page()
    town.goto("/signup")
    expect(town.get_by_role("heading", name="プログラムに参加する")).to_be_visible()
    town.get_by_label("自治体", exact=True).check()
    town.get_by_label("団体名").fill(ORG_NAME)
    town.get_by_label("都道府県（スタートアップは本社所在地）").select_option("11")
    town.get_by_label("地方公共団体コード（自治体）").fill(LG_CODE)
    town.get_by_label("氏名").fill("埼玉 花子")
    town.get_by_label("メールアドレス").fill(EMAIL)
    town.get_by_label("パスワード", exact=True).fill(factories.PASSWORD)
    town.get_by_label("パスワード（確認）").fill(factories.PASSWORD)
    town.get_by_role("button", name="登録する").click()
    expect(town).to_have_url(re.compile(r"/login$"))
    link = re.search(r"/signup/confirm/\S+", outbox.last_body())
    assert link is not None, outbox.last_body()
    town.goto(link.group(0))
    expect(town).to_have_url(re.compile(r"/login$"))
    log_in(town, EMAIL, factories.PASSWORD)

    expect(town).to_have_url(re.compile(r"/home$"))
    expect(town.locator(".home-welcome")).to_have_text("ようこそ、埼玉 花子様")
    expect(town.get_by_role("heading", name="ホーム", exact=True)).to_be_visible()  # as its link
    notice = town.locator(".panel--notice")
    expect(notice.get_by_role("heading", name="承認待ち")).to_be_visible()
    expect(notice).to_contain_text(ORG_NAME)
    shot(town, "journey-01-municipality-pending")

    # 2. A manager logs in, opens the organisations list and approves the new municipality.
    manager = factories.user(app, "manager", name="事務局 太郎")
    office = new_page()
    log_in(office, manager.email, manager.password,
           factories.fresh_code(app, manager))
    expect(office.locator(".home-welcome")).to_have_text("ようこそ、事務局 太郎様")
    main_nav = office.get_by_role("navigation", name="メイン")
    main_nav.get_by_role("button", name="管理").click()  # the header's "Manage" menu
    main_nav.get_by_role("link", name="団体管理").click()
    expect(office).to_have_url(re.compile(r"/admin/organisations"))
    expect(office.get_by_role("heading", name="団体管理")).to_be_visible()
    row = office.locator("tbody tr", has_text=ORG_NAME)
    expect(row.locator(".badge")).to_have_text("承認待ち")
    shot(office, "journey-02-admin-before")
    row.get_by_role("button", name="承認する").click()

    flash = office.locator(".alert--success")
    expect(flash).to_contain_text(f"{ORG_NAME}を「承認済み」にしました。")
    expect(office.locator("tbody tr", has_text=ORG_NAME).locator(".badge")).to_have_text("承認済み")
    expect(office.locator("tbody tr", has_text=ORG_NAME)
           .get_by_role("button", name="承認する")).to_have_count(0)
    shot(office, "journey-03-admin-approved")

    # 3. The municipality logs out and in again: the waiting notice is gone.
    town.get_by_role("button", name="ログアウト").click()
    expect(town.get_by_role("heading", name="地域の課題を、スタートアップとともに解決する")) \
        .to_be_visible()
    log_in(town, EMAIL, factories.PASSWORD)
    expect(town.locator(".home-welcome")).to_have_text("ようこそ、埼玉 花子様")
    expect(town.get_by_text("承認待ち")).to_have_count(0)
    expect(town.get_by_role("heading", name="対応が必要なこと")).to_be_visible()
    shot(town, "journey-04-municipality-approved")

    # 4. The header's language switch shows English, and the choice holds on the next page.
    town.locator(".lang-switch").get_by_role("button", name="English").click()
    expect(town.locator(".home-welcome")).to_have_text("Welcome, 埼玉 花子")
    expect(town.get_by_role("heading", name="Home", exact=True)).to_be_visible()
    expect(town.locator("html")).to_have_attribute("lang", "en")
    expect(town.get_by_role("button", name="Log out")).to_be_visible()
    town.get_by_role("link", name="埼玉 花子").click()  # the account link in the header
    expect(town).to_have_url(re.compile(r"/account$"))
    expect(town.get_by_role("heading", name="Your account")).to_be_visible()
    expect(town.get_by_role("heading", name="Change password")).to_be_visible()
    expect(town.locator(".lang-switch strong")).to_have_text("English")
    shot(town, "journey-05-account-en")

    # 5. On a phone the navigation is folded away until the ☰ toggle opens it.
    phone = new_page(viewport=PHONE)
    log_in(phone, EMAIL, factories.PASSWORD)
    expect(phone.locator(".home-welcome")).to_have_text("Welcome, 埼玉 花子")
    nav = phone.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    shot(phone, "journey-06-phone-menu-closed")
    toggle = phone.get_by_role("button", name="Menu")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(nav).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    expect(phone.get_by_role("button", name="Log out")).to_be_visible()
    shot(phone, "journey-07-phone-menu-open")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_main_pages_fit_the_screen(app, new_page, shot, size):
    """Every main page renders its content and never scrolls sideways."""
    viewport = {"desktop": DESKTOP, "phone": PHONE}[size]
    factories.user(app, "startup", state="approved")  # so the lists are not empty
    pending = factories.user(app, "municipality", state="pending", name="承認 待子")
    manager = factories.user(app, "manager", name="事務局 太郎")

    def check(page, name: str, text: str) -> None:
        expect(page.locator("main")).to_contain_text(text)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        shot(page, f"{name}-{size}")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {viewport['width']}px"

    visitor = new_page(viewport=viewport)
    visitor.goto("/")
    check(visitor, "front-ja", "地域の課題を、スタートアップとともに解決する")
    visitor.goto("/?lang=en")
    check(visitor, "front-en", "Solve local challenges with startups")
    visitor.goto("/signup?lang=ja")
    visitor.get_by_label("自治体", exact=True).check()
    visitor.get_by_label("地方公共団体コード（自治体）").fill("111001")  # wrong check digit
    visitor.get_by_label("パスワード", exact=True).fill("short-1")
    visitor.get_by_label("パスワード（確認）").fill("different")
    visitor.get_by_role("button", name="登録する").click()
    check(visitor, "signup-errors-ja", "2つのパスワードが一致しません。")
    expect(visitor.locator(".field--error").first).to_be_visible()
    visitor.goto("/login")
    check(visitor, "login-ja", "ログイン")
    visitor.goto("/no-such-page")
    check(visitor, "not-found-ja", "404")

    waiting = new_page(viewport=viewport)
    log_in(waiting, pending.email, pending.password)
    check(waiting, "home-pending-ja", "承認待ち")
    waiting.goto("/account")
    check(waiting, "account-pending-ja", "パスワードを変更")

    office = new_page(viewport=viewport)
    log_in(office, manager.email, manager.password,
           factories.fresh_code(app, manager))
    check(office, "home-manager-ja", "対応が必要なこと")
    office.goto("/admin/organisations")
    check(office, "admin-organisations-ja", "承認する")
    office.goto("/admin/organisations?lang=en")
    check(office, "admin-organisations-en", "Approve")
    office.goto("/account?lang=en")
    check(office, "account-manager-en", "Change password")
