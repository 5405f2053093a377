"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live_server.

Chromium is found at $CHROMIUM_PATH (default /usr/bin/chromium). Where it is missing the
browser tests are skipped, unless REQUIRE_BROWSER=1 (set by .ci/run), which turns the
absence into a failure so that CI can never pass without running them.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(
    os.environ.get("TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "artifacts")
)
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """A phone-sized page whose relative URLs go to the live server."""
    context = chromium.new_context(viewport=PHONE, base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def cheap_captcha(settings):
    """The builtin ALTCHA challenge solved in milliseconds, and no minimum typing time,
    so a browser test can post a comment as soon as the page is there."""
    settings.COMMENTS_ALTCHA_COST = 100
    settings.COMMENTS_ALTCHA_MIN_COUNTER = 1
    settings.COMMENTS_ALTCHA_MAX_COUNTER = 40
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 0
    settings.COMMENTS_CAPTCHA_PROVIDER = "builtin"
    return settings
