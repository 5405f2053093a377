"""PostgreSQL restarted, or all its connections killed, under load.

gunicorn serves the site from a private PostgreSQL instance (tests/reliability/
postgres.py) while readers load an article and a commenter posts comments. During the
outage readers get the styled 503 with Retry-After, never a 500; one second after the
database is back every request succeeds (CONN_HEALTH_CHECKS replaces the dead
connections); every comment acknowledged (302) before, during or after is in the
database. The load is bounded: four clients, about fifteen seconds, 127.0.0.1 only.
"""

import http.cookiejar
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import altcha
import pytest
from django.conf import settings

from .postgres import PrivatePostgres, find_binaries, free_port, wait_for_http

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="PostgreSQL only: the outage is a PostgreSQL restart (the suite's "
        "PostgreSQL run, DATABASE_URL=postgres://…, covers it)",
    ),
    pytest.mark.skipif(find_binaries() is None, reason="PostgreSQL server binaries not found"),
]

SETUP = """
from datetime import timedelta
from django.utils import timezone
from articles.models import Article, Section
section = Section.objects.create(name="Politique", slug="politique")
article = Article.objects.create(
    title="Panne de base de données", section=section, status="published",
    published_at=timezone.now() - timedelta(hours=1), standfirst="Un chapeau.",
    body="<p>Un paragraphe.</p>", comments_open=True,
)
print(article.get_absolute_url())
"""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Reader:
    """One browser: its own cookies, no redirects followed."""

    def __init__(self, base):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect
        )

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=20) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()


class Load:
    """Readers and a commenter hitting the server until stopped; every answer recorded."""

    def __init__(self, base, article_url):
        self.base, self.article_url = base, article_url
        self.results = []  # (started, finished, kind, status, headers, body marker)
        self.acknowledged = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.read, daemon=True) for _ in range(3)] + [
            threading.Thread(target=self.comment, daemon=True)
        ]

    def record(self, started, kind, status, headers, body):
        marker = "error-page" if 'class="error-page"' in body else ""
        with self.lock:
            self.results.append((started, time.monotonic(), kind, status, headers, marker))

    def read(self):
        reader = Reader(self.base)
        while not self.stop.is_set():
            started = time.monotonic()
            status, headers, body = reader.request(self.article_url)
            self.record(started, "read", status, headers, body)
            time.sleep(0.05)

    def comment(self):
        number = 0
        while not self.stop.is_set():
            reader = Reader(self.base)
            started = time.monotonic()
            status, headers, page = reader.request(self.article_url)
            self.record(started, "form", status, headers, page)
            if status != 200:
                time.sleep(0.1)
                continue
            # The page is the same for everyone: the reader's token and stamp are
            # fetched as static/js/comments-form.js fetches them.
            started = time.monotonic()
            status, headers, body = reader.request(self.article_url + "commenter/formulaire/")
            self.record(started, "parts", status, headers, body)
            if status != 200:
                continue
            parts = json.loads(body)
            started = time.monotonic()
            status, headers, body = reader.request("/commentaires/altcha/defi/")
            self.record(started, "challenge", status, headers, body)
            if status != 200:
                continue
            challenge = altcha.Challenge.from_dict(json.loads(body))
            solution = altcha.solve_challenge(challenge, timeout=10)
            number += 1
            text = f"Commentaire pendant la panne, numéro {number}."
            data = {
                "csrfmiddlewaretoken": parts["csrf_token"],
                "rendered_at": parts["rendered_at"],
                "name": "Aïcha",
                "comment": text,
                "website": "",
                "altcha": altcha.Payload(challenge, solution).to_base64(),
            }
            started = time.monotonic()
            status, headers, body = reader.request(self.article_url + "commenter/", data)
            self.record(started, "post", status, headers, body)
            if status == 302:
                self.acknowledged.append(text)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def between(self, start, end):
        return [r for r in self.results if r[0] >= start and r[1] <= end]


@pytest.fixture
def private_postgres():
    server = PrivatePostgres()
    try:
        server.init()
        yield server
    finally:
        server.destroy()


@pytest.fixture
def site_on_private_postgres(private_postgres):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW"))
    }
    env.update(
        DATABASE_URL=private_postgres.url,
        REDIS_URL="",
        SECRET_KEY="fault-test-secret-key-only-for-this-private-server",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
        WHITENOISE_USE_FINDERS="true",
        CONN_MAX_AGE="60",
        COMMENTS_ALTCHA_COST="10",
        COMMENTS_ALTCHA_MIN_COUNTER="1",
        COMMENTS_ALTCHA_MAX_COUNTER="30",
        COMMENTS_MIN_SUBMIT_SECONDS="0",
        COMMENTS_RATE_LIMIT="100000",
        COMMENTS_RECENT_POSTS_LIMIT="100000",
        OUTAGE_RETRY_AFTER="10",
        MEDIA_ROOT=str(private_postgres.data / "media"),
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run(
        [*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True,
        timeout=300,
    )  # fmt: skip
    article_url = subprocess.run(
        [*manage, "shell", "-c", SETUP], cwd=ROOT, env=env, check=True, capture_output=True,
        text=True, timeout=60,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    port = free_port()
    config = tempfile.NamedTemporaryFile("w", suffix=".py", delete=False)  # noqa: SIM115
    config.close()
    log = open(private_postgres.data / "gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "newsportal.wsgi", "--config", config.name,
            "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "30",
        ],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/healthz")
        yield base, article_url, private_postgres
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        os.unlink(config.name)


def assert_all_succeed(results, what):
    bad = [(kind, status) for _, _, kind, status, _, _ in results if status not in (200, 302)]
    assert results, f"no request {what}"
    assert bad == [], f"{what}: {bad[:10]}"


def assert_outage_answers(results):
    for _, _, kind, status, headers, marker in results:
        assert status != 500, kind
        assert status in (200, 302, 503), (kind, status)
        if status == 503:
            assert headers.get("Retry-After") == "10", headers
            if kind != "challenge":
                assert marker == "error-page", kind


def test_database_restart_and_killed_connections_under_load(site_on_private_postgres):
    base, article_url, postgres = site_on_private_postgres
    with Load(base, article_url) as load:
        time.sleep(2)
        before_end = time.monotonic()

        # 1. Every connection killed: the next requests reconnect by themselves.
        killed_at = time.monotonic()
        assert postgres.terminate_connections() >= 0
        time.sleep(1)
        after_kill = time.monotonic()
        time.sleep(2)
        after_kill_end = time.monotonic()

        # 2. PostgreSQL stopped for three seconds, then started again.
        postgres.stop()
        down_at = time.monotonic()
        time.sleep(3)
        down_end = time.monotonic()
        postgres.start()
        back_at = time.monotonic()
        time.sleep(1)
        recovered_at = time.monotonic()
        time.sleep(3)
        end = time.monotonic()

    everything = load.results
    assert_outage_answers(everything)
    assert_all_succeed(load.between(0, before_end), "before the fault")
    assert_outage_answers(load.between(killed_at, after_kill))
    assert_all_succeed(load.between(after_kill, after_kill_end), "1 s after the kill")
    during = load.between(down_at, down_end)
    assert any(status == 503 for _, _, _, status, _, _ in during), "no 503 while down"
    assert_outage_answers(load.between(down_at, recovered_at))
    assert_all_succeed(load.between(recovered_at, end), "1 s after PostgreSQL is back")
    assert back_at < recovered_at

    # Nothing acknowledged is lost.
    assert len(load.acknowledged) >= 3
    with postgres.connect() as connection, connection.cursor() as cursor:
        cursor.execute("SELECT body FROM comments_comment")
        stored = [row[0] for row in cursor.fetchall()]
    missing = [text for text in load.acknowledged if text not in stored]
    assert missing == []
    assert len(stored) == len(set(stored))
    print(
        f"\noutage figures: {len(everything)} requests, "
        f"{sum(r[3] == 503 for r in everything)} answered 503, "
        f"{sum(r[3] == 500 for r in everything)} answered 500, "
        f"{len(load.acknowledged)} comments acknowledged, all stored"
    )
