"""Fixtures for the comments: a cheap ALTCHA challenge, its solver, and a fake siteverify."""

import contextlib
import json
import threading
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import altcha
import pytest
from django.urls import reverse
from django.utils import translation

from comments.scoring import sign_render_time
from tests.factories import ArticleFactory


@pytest.fixture(autouse=True)
def comment_settings(settings):
    """A proof of work that takes milliseconds, and limits that tests reach on purpose."""
    settings.COMMENTS_ALTCHA_COST = 10
    settings.COMMENTS_ALTCHA_MIN_COUNTER = 1
    settings.COMMENTS_ALTCHA_MAX_COUNTER = 30
    settings.COMMENTS_CAPTCHA_PROVIDER = "builtin"
    settings.COMMENTS_RATE_LIMIT = 50
    settings.COMMENTS_PREMODERATION = False
    # Moderator accounts are made in many tests: a fast hash keeps them cheap.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings


@pytest.fixture(autouse=True)
def english():
    """Run on the English pages (/en/…): the assertions read the English source strings,
    whatever the state of the French catalogue."""
    with translation.override("en"):
        yield


@pytest.fixture
def article(db):
    return ArticleFactory()


@pytest.fixture
def solve_altcha(client):
    """Fetch a challenge from the site and solve it as the widget would."""

    def solve():
        challenge = altcha.Challenge.from_dict(
            client.get(reverse("comments:altcha-challenge")).json()
        )
        solution = altcha.solve_challenge(challenge, timeout=30)
        assert solution is not None
        return altcha.Payload(challenge, solution).to_base64()

    return solve


@pytest.fixture
def comment_data(article):
    """The POST a reader's browser sends, form shown a minute ago; override any field."""

    def data(**fields):
        values = {
            "name": "Aïcha",
            "comment": "Très bon article, merci à la rédaction.",
            "website": "",
            "rendered_at": sign_render_time(article.pk, at=time.time() - 60),
        }
        values.update(fields)
        return values

    return data


@pytest.fixture
def post_comment(client, article, django_capture_on_commit_callbacks):
    """POST a comment; what waits for the commit (the moderators' e-mail task) runs as
    after a real request's commit (the test's transaction never commits)."""

    def post(data, target=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("comments:post", args=[(target or article).slug]), data, **extra
            )

    return post


class FakeSiteverify(BaseHTTPRequestHandler):
    """Plays Google's siteverify: the token's first word chooses the answer."""

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        server = self.server
        server.requests.append(form)
        token = form.get("response", "")
        scenario = token.split("-", 1)[0]
        now = datetime.now(UTC)
        answer = {
            "success": True,
            "score": 0.9,
            "action": "comment",
            "challenge_ts": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "hostname": "testserver",
        }
        if token in server.seen:
            answer = {"success": False, "error-codes": ["timeout-or-duplicate"]}
        elif scenario == "low":
            answer["score"] = 0.2
        elif scenario == "wrongaction":
            answer["action"] = "login"
        elif scenario == "wronghost":
            answer["hostname"] = "evil.example"
        elif scenario == "stale":
            answer["challenge_ts"] = (now - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        elif scenario == "invalid":
            answer = {"success": False, "error-codes": ["invalid-input-response"]}
        elif scenario == "timeout":
            time.sleep(server.slow_seconds)
        elif scenario == "error500":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"Internal error")
            return
        elif scenario == "garbage":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"<html>not json")
            return
        server.seen.add(token)
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        # The client may have given up waiting (the timeout scenario).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def siteverify(settings):
    """A real HTTP siteverify on 127.0.0.1, and the settings that point reCAPTCHA at it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSiteverify)
    server.daemon_threads = True
    server.requests = []
    server.seen = set()
    server.slow_seconds = 2.0
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    settings.COMMENTS_CAPTCHA_PROVIDER = "recaptcha"
    settings.COMMENTS_RECAPTCHA_SITE_KEY = "test-site-key"
    settings.COMMENTS_RECAPTCHA_SECRET_KEY = "test-secret-key"
    settings.COMMENTS_RECAPTCHA_VERIFY_URL = f"http://127.0.0.1:{server.server_port}/siteverify"
    settings.COMMENTS_RECAPTCHA_TIMEOUT = 0.5
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def moderator(db):
    from django.contrib.auth.models import Group

    from articles.newsroom.roles import MODERATORS
    from tests.factories import UserFactory

    user = UserFactory(username="moderatrice", email="moderation@example.test", is_staff=True)
    user.groups.add(Group.objects.get(name=MODERATORS))
    return user


@pytest.fixture
def refusals(caplog):
    """The log of refused comments, with their score and reasons."""
    import logging

    caplog.set_level(logging.INFO, logger="comments.posting")
    return caplog


@pytest.fixture
def confirmation_step(article, comment_data):
    """The page a reader without JavaScript gets for a form sent from a cached page (no
    CSRF token): their text, the question and a token; its HTML."""

    def step(**fields):
        from django.test import Client

        browser = Client(enforce_csrf_checks=True)
        data = comment_data(**fields)
        response = browser.post(reverse("comments:post", args=[article.slug]), data)
        assert response.status_code == 200
        return response.text

    return step
