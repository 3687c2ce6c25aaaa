"""WCAG 2.1 A/AA in the real browser: axe-core over every page each role can reach, in Japanese
and English, at laptop and phone width; no page scrolls sideways at 320 CSS px, with or without
the WCAG 1.4.12 text-spacing override; the header's menus in screenshots.

axe-core comes inside the pinned `axe-playwright-python` package (axe.min.js), so nothing is
downloaded at run time. Rules axe cannot decide ("incomplete") are printed for a person to check
(run with -s to see them); the policy page /accessibility says which criteria are checked how.
"""
from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path

import pytest

from govtech.permissions import POLICY
from tests import factories
from tests.browser.conftest import DESKTOP, log_in
from tests.routes import edit_once, expected_status, sample_args, urls

pytest.importorskip("playwright", reason="Playwright for Python is not installed")
axe_package = pytest.importorskip("axe_playwright_python.base",
                                  reason="axe-playwright-python is not installed")
from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG21_AA},
               "resultTypes": ["violations", "incomplete"]}
LAPTOP, PHONE, NARROW = 1280, 375, 320
ROLES = ["anonymous", "municipality", "startup", "manager"]
# Not HTML pages: files, exports, the health check.
NOT_PAGES = {"static", "public.health", "admin.audit_export", "dashboard.export",
             "auth.download_data", "proposals.download_attachment",
             "proposals.download_version_attachment",
             # the evidence pack and the 第4号 application (issue 17): PDF and .docx files
             "pilots.evidence_pdf_file", "pilots.evidence_docx_file",
             "certifications.application_pdf", "certifications.application_docx",
             "pilots.agreement_draft"}  # the 協定書 draft (.docx)
# the API's one HTML page; every other api.* endpoint answers JSON
API_REFERENCE = "api.reference"
# Public pages whose content does not change with who is signed in: swept once, as anonymous.
SAME_FOR_EVERYONE = {"public.accessibility", API_REFERENCE, "auth.forgot_password",
                     "auth.reset_password", "auth.accept_invitation", "auth.confirm_email",
                     "auth.resend_confirmation"}
# The WCAG 1.4.12 text-spacing override (as in the well-known bookmarklet).
TEXT_SPACING = """* { line-height: 1.5 !important; letter-spacing: .12em !important;
  word-spacing: .16em !important; } p { margin-bottom: 2em !important; }"""


def seed(app) -> tuple[dict, dict]:
    """One of everything, as the route × role table makes it: users by role, URL arguments."""
    users = {"manager": factories.user(app, "manager", name="事務局 太郎"),
             "municipality": factories.user(app, "municipality", name="由利 花子"),
             "startup": factories.user(app, "startup", name="センサー 次郎")}
    challenge_id = factories.challenge(app, users["municipality"], state="open")
    capability_id = factories.capability(app, users["startup"])
    rec_id = factories.recommendation(app, challenge_id, users["startup"].org_id)
    note_id = factories.notification(app, users["municipality"])
    factories.notification(app, users["startup"])
    factories.notification(app, users["manager"])
    pilot_id = factories.pilot(app, users["municipality"], challenge_id, users["startup"].org_id)
    proposal_id = factories.proposal(app, users["startup"], challenge_id, pdf=True)
    edit_once(app, users["startup"], proposal_id)
    ids = {"proposal_id": proposal_id, "pilot_id": pilot_id,
           "kpi_id": factories.kpi(app, users["manager"], pilot_id),
           "milestone_id": factories.milestone(app, users["manager"], pilot_id)}
    parties = (pilot_id, users["municipality"], users["startup"], users["manager"])
    ids |= {"activity_id": factories.marketing(app, *parties),
            "case_id": factories.marketing(app, *parties, state="published")}
    args = sample_args(app, {"org_id": users["startup"].org_id, "challenge_id": challenge_id,
                             "capability_id": capability_id, "rec_id": rec_id,
                             "note_id": note_id, **ids})
    return users, args


def reachable_pages(app, role: str, args: dict) -> list[str]:
    """The GET pages the policy lets `role` see (and the refusals with a page of their own)."""
    pages = []
    for endpoint, method, url in urls(app, args):
        if method != "GET" or endpoint in NOT_PAGES:
            continue
        if endpoint.startswith("api.") and endpoint != API_REFERENCE:
            continue  # JSON for programs, not a page (the reference page is one)
        if role == "anonymous" and POLICY[endpoint].roles is not None:
            continue
        if role != "anonymous" and endpoint in SAME_FOR_EVERYONE:
            continue  # seen as anonymous; the signed-in header is checked on every other page
        if expected_status(endpoint, role, "GET") in (200, 400):
            pages.append(url)
    return pages


def open_as(new_page, app, role: str, users: dict):
    """A page of a fresh browser context, signed in as `role` (once)."""
    page = new_page(viewport=DESKTOP)
    if role != "anonymous":
        record = users[role]
        code = factories.fresh_code(app, record) if record.totp_secret else None
        log_in(page, record.email, record.password, code)
    else:
        page.goto("/")
    return page


def switch_language(page, lang: str) -> None:
    """Use the header's language switch (on a laptop-wide page, where it is not folded)."""
    page.set_viewport_size(DESKTOP)
    if page.locator("html").get_attribute("lang") != lang:
        name = "English" if lang == "en" else "日本語"
        page.locator(".lang-switch").get_by_role("button", name=name).click()
    expect(page.locator("html")).to_have_attribute("lang", lang)


def run_axe(page) -> dict:
    """axe-core's WCAG 2.1 A/AA rules on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_package.AXE_SCRIPT)
    return page.evaluate(f"axe.run(document, {json.dumps(AXE_OPTIONS)})")


def describe(violation: dict) -> str:
    targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
    return f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}"


def add_text_spacing(page) -> None:
    """Apply the override as a user's style sheet would (a constructed sheet: the page's
    Content-Security-Policy refuses inline <style>, as it would a bookmarklet's)."""
    page.evaluate("""css => { const sheet = new CSSStyleSheet(); sheet.replaceSync(css);
                              document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
                            }""", TEXT_SPACING)


def overflow(page) -> int:
    """How many CSS px the page is wider than its window (0 = no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth"
                         " - document.documentElement.clientWidth")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe_and_reflows(app, new_page, role):
    """No WCAG 2.1 A/AA violation that axe-core finds, on any page `role` can reach, in both
    languages at 1280 and 375 px; at 320 px no page scrolls sideways, also with the text-spacing
    override. axe's "incomplete" results are listed for a person to check."""
    started = time.perf_counter()
    users, args = seed(app)
    pages = reachable_pages(app, role, args)
    assert len(pages) >= 4, pages
    page = open_as(new_page, app, role, users)
    failures: list[str] = []
    incomplete: dict[str, set[str]] = defaultdict(set)
    for lang in ("ja", "en"):
        switch_language(page, lang)
        for url in pages:
            page.set_viewport_size(DESKTOP)
            page.goto(url)
            assert page.locator("html").get_attribute("lang") == lang, url
            for width in (LAPTOP, PHONE):
                page.set_viewport_size({"width": width, "height": 800})
                results = run_axe(page)
                failures += [f"{role} {lang} {width}px {url}: {describe(v)}"
                             for v in results["violations"]]
                for item in results["incomplete"]:
                    incomplete[f"{item['id']}: {item['help']}"].add(f"{lang} {width}px {url}")
            page.set_viewport_size({"width": NARROW, "height": 640})
            if (extra := overflow(page)) > 0:
                failures.append(f"{role} {lang} {url}: {extra}px sideways scrolling at 320px")
            add_text_spacing(page)
            if (extra := overflow(page)) > 0:
                failures.append(f"{role} {lang} {url}: {extra}px sideways scrolling at 320px "
                                "with the text-spacing override")
    print(f"\naxe-core {page.evaluate('axe.version')}: {len(pages)} pages × 2 languages × "
          f"2 widths as {role} in {time.perf_counter() - started:.0f} s; "
          "to check by hand (axe 'incomplete'):")
    for rule, where in sorted(incomplete.items()):
        print(f"  {rule} — {len(where)} page views, e.g. {sorted(where)[0]}")
    assert not failures, "\n".join(failures)


# 1280 px at 200 % zoom lays out 640 CSS px; 320 CSS px is 1280 at 400 %.
HEADER_SIZES = {"laptop": DESKTOP, "zoom200": {"width": 640, "height": 450},
                "phone": {"width": PHONE, "height": 800},
                "narrow": {"width": NARROW, "height": 640}}


@pytest.mark.parametrize("role", ROLES)
def test_header_fits_with_its_menus(app, new_page, role, tmp_path):
    """The header is one row of links on a laptop (the rest folded into menus that open with a
    button and close with Escape); on phones one Menu button shows it all. Screenshots of each
    go to $SCREENSHOT_DIR (or a temporary folder)."""
    import os

    users, _ = seed(app)
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page = open_as(new_page, app, role, users)
    for lang in ("ja", "en"):
        switch_language(page, lang)
        page.goto("/home" if role != "anonymous" else "/")
        nav = page.locator("#site-nav")
        # Laptop: the links stand in one row beside the brand, the account links in one above.
        for row in (".nav-list > li", ".utility-bar > *"):
            tops = {round(box["y"] + box["height"] / 2)
                    for box in (item.bounding_box() for item in page.locator(row).all())}
            assert max(tops) - min(tops) < 8, f"{role} {lang}: {row} wraps into rows {tops}"
        menus = nav.locator("button[aria-expanded]")
        for index in range(menus.count()):
            button = menus.nth(index)
            expect(button).to_have_attribute("aria-expanded", "false")
            button.click()
            expect(button).to_have_attribute("aria-expanded", "true")
            listed = page.locator(f"#{button.get_attribute('aria-controls')}")
            expect(listed).to_be_visible()
            page.screenshot(path=str(folder / f"header-{role}-{lang}-laptop-menu{index}.png"),
                            clip={"x": 0, "y": 0, "width": 1280, "height": 380})
            page.keyboard.press("Escape")
            expect(listed).to_be_hidden()
            expect(button).to_be_focused()
        page.screenshot(path=str(folder / f"header-{role}-{lang}-laptop.png"),
                        clip={"x": 0, "y": 0, "width": 1280, "height": 160})
        for size in ("zoom200", "phone", "narrow"):
            page.set_viewport_size(HEADER_SIZES[size])
            toggle = page.get_by_role("button", name="メニュー" if lang == "ja" else "Menu")
            expect(nav).to_be_hidden()
            expect(toggle).to_have_attribute("aria-expanded", "false")
            assert overflow(page) <= 0
            toggle.click()
            expect(nav).to_be_visible()
            for index in range(menus.count()):
                menus.nth(index).click()
            last = nav.locator("a").last  # the end of the open menu can be scrolled to
            last.scroll_into_view_if_needed()
            box = last.bounding_box()
            # scrolled to the window's bottom edge; a fraction of a pixel is layout rounding
            assert box["y"] + box["height"] <= HEADER_SIZES[size]["height"] + 1, f"{size}: {box}"
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(folder / f"header-{role}-{lang}-{size}-open.png"),
                            full_page=True)
            toggle.focus()
            page.keyboard.press("Escape")
            page.keyboard.press("Escape")
            expect(nav).to_be_hidden()
            expect(toggle).to_be_focused()
        page.set_viewport_size(DESKTOP)
