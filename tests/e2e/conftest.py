"""End-to-end journeys in headless Debian Chromium, driven by Playwright, against a live server.

Where Chromium is absent (a laptop without `apt-get install chromium`) these tests are
skipped with a message saying so; CI installs it (.ci/run)."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PERVICHKA_CHROMIUM", "/usr/bin/chromium")


def _chromium_missing() -> str | None:
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        return (
            f"Chromium not found at {CHROMIUM}: browser tests skipped. Install it with "
            "`apt-get install -y chromium` (or set PERVICHKA_CHROMIUM) to run them."
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed: run `make test`, which installs it."
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _chromium_missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            # As root in a container Chromium needs --no-sandbox; the other flags keep it from
            # reaching for Google's services, which a closed network refuses.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    # A phone-sized window: the chair of a primary works on a phone (360 px).
    context = browser.new_context(
        viewport={"width": 360, "height": 780}, locale="ru-RU", base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
