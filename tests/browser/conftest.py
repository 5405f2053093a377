"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live_server.

Chromium is found at $CHROMIUM_PATH (default /usr/bin/chromium). Where it is missing the
browser tests are skipped, unless REQUIRE_BROWSER=1 (set by .ci/run), which turns the
absence into a failure so that CI can never pass without running them.
"""

import contextlib
import os
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread

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
DESKTOP = {"width": 1280, "height": 1000}


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server for the SQLite runs: one request at a time, to its end.

    With an in-memory SQLite database, Django shares the test's one connection with the
    live server's threads; a page's parallel requests (scripts, autocomplete, autosave)
    then use it at once ("bad parameter or other API misuse"). Each request is answered
    and closed (request_finished, which also touches the connection) under one lock.
    """

    lock = threading.Lock()

    def set_app(self, application):
        def one_at_a_time(environ, start_response):
            with self.lock:
                response = application(environ, start_response)
                try:
                    body = list(response)
                finally:
                    if hasattr(response, "close"):
                        response.close()
            return body

        super().set_app(one_at_a_time)


if connection.vendor == "sqlite":
    LiveServerThread.server_class = OneRequestAtATimeServer


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
        new_context = browser.new_context

        def new_context_that_stops_drafting(*args, **kwargs):
            context = new_context(*args, **kwargs)
            context.close = stop_drafting_then(context, context.close)
            return context

        browser.new_context = new_context_that_stops_drafting
        yield browser
        browser.close()


# The article form autosaves on a timer and when its page closes (static/js/
# article-drafting.js). A test's contexts close while its database is being emptied:
# a draft written then breaks the flush. Every context stops the form's pings first.
STOP_DRAFTING = """() => {
  const form = document.getElementById("article_form");
  return form && form.articleDraftingStop ? form.articleDraftingStop() : null;
}"""


def stop_drafting_then(context, close):
    def close_after_stopping_drafts(*args, **kwargs):
        for page in context.pages:
            with contextlib.suppress(Exception):  # a page mid-navigation has no form
                page.evaluate(STOP_DRAFTING)
        return close(*args, **kwargs)

    return close_after_stopping_drafts


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


@pytest.fixture
def desk(chromium, live_server):
    """A desktop-sized page: the newsroom works in admin on a computer. Its CSP
    violations are recorded (tests/browser/csp.py)."""
    from .csp import watch

    context = chromium.new_context(viewport=DESKTOP, base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch(page)
    yield page
    context.close()
