"""Browser fixtures: the real app on a live local server, and headless Chromium via Playwright.

No browser is downloaded: the tests use the system's Chromium (Debian package `chromium`). When
it is missing or will not start, the browser tests are skipped with the reason, never passed.
"""
from __future__ import annotations

import os
import re
import shutil
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _answers(url: str) -> bool:
    """True when the app serves its health check at `url` (not a 404 from host matching)."""
    try:
        with urllib.request.urlopen(url + "/health", timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def live_server(app):
    """Serve the session app on a free port in a background thread; yields the base URL.

    The test config sets SERVER_NAME="localhost", so the page is opened as http://localhost:PORT
    when the app does not answer on the bare address.
    """
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    port = server.server_port
    try:
        for host in ("localhost", "127.0.0.1"):
            base = f"http://{host}:{port}"
            if _answers(base):
                break
        else:
            pytest.fail(f"The live server on port {port} does not answer /health")
        yield base
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Headless system Chromium, or a skip that says why there is none."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        pytest.skip(f"Playwright for Python is not installed ({error})")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None and os.path.exists("/usr/bin/chromium"):
        executable = "/usr/bin/chromium"
    if executable is None:
        pytest.skip("No Chromium executable found (install the `chromium` package)")
    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=executable, headless=True,
                                              args=CHROMIUM_ARGS)
    except PlaywrightError as error:
        playwright.stop()
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        pytest.skip(f"Chromium at {executable} failed to launch: {first_line}")
    try:
        yield launched
    finally:
        launched.close()
        playwright.stop()


@pytest.fixture
def new_page(browser, live_server):
    """Open pages in fresh browser contexts (own cookies); all are closed after the test."""
    contexts = []

    def _open(viewport: dict | None = None, locale: str = "ja-JP"):
        context = browser.new_context(base_url=live_server, viewport=viewport or DESKTOP,
                                      locale=locale)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def shot():
    """Save a full-page screenshot as NAME.png under $SCREENSHOT_DIR; does nothing when unset."""
    folder = os.environ.get("SCREENSHOT_DIR")

    def _shot(page, name: str) -> None:
        if not folder:
            return
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)

    return _shot


def log_in(page, email: str, password: str, code: str | None = None) -> None:
    """Log in through the real form (Japanese UI); with two-step sign-in on (managers), `code`
    is entered on the code step (tests.factories.fresh_code makes one)."""
    from playwright.sync_api import expect

    page.goto("/login")
    expect(page.get_by_role("heading", name="ログイン")).to_be_visible()
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード", exact=True).fill(password)
    page.locator("main").get_by_role("button", name="ログイン").click()
    if code is not None:
        expect(page).to_have_url(re.compile(r"/login/code"))
        page.locator("input[name=code]").fill(code)
        page.locator("main").get_by_role("button", name="ログイン").click()
        expect(page).not_to_have_url(re.compile(r"/login"))
