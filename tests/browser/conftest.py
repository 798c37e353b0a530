"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium), never a
downloaded browser, against the live test server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("TIMBALANS_CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# in that thread are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's chromium is missing at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--lang=sv-SE"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    context = browser.new_context(
        accept_downloads=True, locale="sv-SE", viewport={"width": 1400, "height": 1000}
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def axe_violations(page) -> list[str]:
    """Serious and critical accessibility violations on the page (axe-core, bundled)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])})"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def screenshot(page, name: str) -> None:
    """Saved only when TIMBALANS_SCREENSHOTS names a folder (scripts/screenshots)."""
    folder = os.environ.get("TIMBALANS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)
