"""In Chromium, against two gunicorn servers sharing PostgreSQL and Redis: a page cached by
one worker is served by another to a second reader, who posts from it, with the ALTCHA
widget and without JavaScript (through the confirmation step).

PostgreSQL and Redis only (the suite's PostgreSQL run): the servers are other processes,
so they need the test database and the cache the test sees.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from comments.models import Comment
from tests.factories import ArticleFactory
from tests.reliability.postgres import free_port, wait_for_http

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


def database_url():
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def two_servers(tmp_path):
    """Two gunicorn servers of one worker each, on two ports: (base A, base B)."""
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("needs PostgreSQL and Redis (the suite's PostgreSQL run)")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "DJANGO_ALLOW", "DJANGO_SETTINGS"))
    }
    env.update(
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        DEBUG="false",
        SECRET_KEY="second-worker-test-secret-key-shared-by-both-servers",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
        WHITENOISE_USE_FINDERS="true",
        PAGE_CACHE_SECONDS="300",
        COMMENTS_CAPTCHA_PROVIDER="builtin",
        COMMENTS_ALTCHA_COST="100",
        COMMENTS_ALTCHA_MIN_COUNTER="1",
        COMMENTS_ALTCHA_MAX_COUNTER="40",
        COMMENTS_MIN_SUBMIT_SECONDS="0",
        COMMENTS_PREMODERATION="false",
        MEDIA_ROOT=str(tmp_path / "media"),
        WEB_CONCURRENCY="1",
        GUNICORN_ACCESS_LOG="",
    )
    servers, bases, logs = [], [], []
    try:
        for name in ("a", "b"):
            port = free_port()
            log = open(tmp_path / f"gunicorn-{name}.log", "w")  # noqa: SIM115
            logs.append(log)
            servers.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "-c",
                        "gunicorn.conf.py",
                        "--bind",
                        f"127.0.0.1:{port}",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )  # fmt: skip
            )
            bases.append(f"http://127.0.0.1:{port}")
        for base in bases:
            wait_for_http(base + "/healthz", timeout=60)
        yield bases
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        for log in logs:
            log.close()


def open_reader(chromium, base, **options):
    context = chromium.new_context(base_url=base, locale="fr-FR", **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def served_from_the_cache(response):
    # Where the cache status header is sent (it may be turned off in production).
    return response.headers.get("x-page-cache", "hit") == "hit"


def warm(chromium, base, url):
    context, page = open_reader(chromium, base)
    response = page.goto(url)
    assert response.status == 200
    context.close()
    return response


def test_a_page_cached_by_one_worker_is_posted_from_on_another(chromium, two_servers):
    first, second = two_servers
    article = ArticleFactory(title="Un article lu sur deux serveurs")
    with translation.override("en"):
        url = article.get_absolute_url()  # /en/…: the English strings are the source ones

    # With JavaScript: the page stored by the first server, read and posted on the second.
    warm(chromium, first, url)
    context, page = open_reader(chromium, second)
    response = page.goto(url)
    assert served_from_the_cache(response)
    assert "public" in response.headers["cache-control"]
    page.locator("#id_name").fill("Lectrice du second serveur")
    page.locator("#id_comment").fill("Envoyé depuis une page gardée par un autre worker.")
    page.locator("altcha-widget").get_by_text("I'm not a robot").click()
    page.wait_for_function("() => document.querySelector('input[name=altcha]')?.value")
    page.get_by_role("button", name="Post the comment").click()
    page.get_by_text("Thank you, your comment is published.").wait_for()
    context.close()

    # Without JavaScript: the same, through the confirmation step.
    warm(chromium, first, url)
    context, page = open_reader(chromium, second, java_script_enabled=False)
    assert served_from_the_cache(page.goto(url))
    page.locator("#id_name").fill("Lecteur sans JS")
    page.locator("#id_comment").fill("Confirmé sur le second serveur.")
    page.get_by_role("button", name="Post the comment").click()
    page.get_by_role("heading", name="Confirm your comment").wait_for()
    label = page.locator("label[for=id_question_answer]").inner_text()
    a, b = (int(n) for n in re.findall(r"\d+", label)[:2])
    page.locator("#id_question_answer").fill(str(a + b))
    page.get_by_role("button", name="Confirm and post the comment").click()
    page.get_by_text("It will appear once a moderator has read it.").wait_for()
    context.close()

    stored = dict(Comment.objects.values_list("name", "status"))
    assert stored == {
        "Lectrice du second serveur": Comment.Status.APPROVED,
        "Lecteur sans JS": Comment.Status.PENDING,
    }
