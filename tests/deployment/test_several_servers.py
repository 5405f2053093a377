"""Two app servers behind the nginx recipe: what one does, the other knows at once.

Two gunicorn instances, A and B, each on a port of its own and each a process with its
own local memory (its page cache, its per-generation objects, its embargo answers),
stand for two machines. They share what docs/deployment.md ("From one machine to
several") says must be shared: PostgreSQL (the test database), Redis (REDIS_URL), one
S3-compatible server (moto's, tools/s3_server.py) for the photos, and SECRET_KEY. The
nginx recipe runs in front of both, as two `server` lines of its `upstream` block; the
test also talks to A and B directly. It shows that

- a comment approved by a moderator through A shows through B at once (B had the page
  in its own memory), and through nginx within the micro-cache lifetime;
- a photo uploaded through A is served through B, the same bytes;
- the comments' rate limit and the admin login lockout count attempts made on either;
- a session opened on A (an admin login) is valid on B and through nginx;
- each instance answers its own /healthz.

Bounded: one gunicorn worker per instance, one nginx worker, a few dozen requests.
Skipped without nginx, except with REQUIRE_NGINX=1 (set by .ci/run), where that is a
failure. Needs the suite's PostgreSQL run with Redis, as tests/deployment/test_nginx.py.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from io import BytesIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Group
from PIL import Image as PILImage

from articles.models import Article, Image
from articles.newsroom import roles
from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory, UserFactory, png_bytes
from tests.reliability.postgres import free_port, wait_for_http
from tools import nginx_recipe

from .appservers import app_server_environ, readable_static
from .browsing import Browser, needs_postgresql_and_redis

ROOT = Path(__file__).resolve().parents[2]
MICRO_CACHE_SECONDS = 2
PASSWORD = "correct horse battery staple"
RATE_LIMIT = 4
BUCKET = "newsportal-several-servers"

pytestmark = [needs_postgresql_and_redis, pytest.mark.django_db(transaction=True)]


class Person(Browser):
    """A browser that sends forms with the CSRF token of its own cookie and logs in."""

    def at(self, base):
        return Person(base, self.cookies)

    def post(self, path, data, files=None):
        """A form sent with the CSRF token of this browser's cookie (made if missing)."""
        self.cookies.setdefault("csrftoken", uuid.uuid4().hex)  # a 32-character secret
        return self.request(path, {**data, "csrfmiddlewaretoken": self.cookies["csrftoken"]}, files)

    def log_in(self, username, password=PASSWORD):
        return self.post(
            "/admin/login/", {"username": username, "password": password, "next": "/admin/"}
        )


class Machines:
    """App servers A and B (gunicorn, one process tree each) and nginx in front of both."""

    def __init__(self, tmp, collected_static, s3_environ):
        self.tmp = tmp
        self.static = readable_static(collected_static, tmp / "static")
        self.s3_environ = s3_environ
        self.ports = {"A": free_port(), "B": free_port()}
        self.nginx_port = free_port()
        self.processes = []

    def url(self, name):
        """The base address of app server `name` ("A" or "B"), or of nginx ("nginx")."""
        port = self.nginx_port if name == "nginx" else self.ports[name]
        return f"http://127.0.0.1:{port}"

    def environ(self, name):
        return app_server_environ(
            self.static,
            # Each machine's own disk: the photos must not be there but in the bucket.
            self.tmp / name / "media",
            self.ports[name],
            workers=1,
            PAGE_CACHE_STATUS_HEADER="true",
            COMMENTS_RATE_LIMIT=str(RATE_LIMIT),
            COMMENTS_RATE_WINDOW="86400",
            **self.s3_environ,
        )

    def start(self):
        for name in ("A", "B"):
            with open(self.tmp / f"gunicorn-{name}.log", "w") as log:
                self.processes.append(
                    subprocess.Popen(  # noqa: S603  (our interpreter, our config)
                        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                        cwd=ROOT,
                        env=self.environ(name),
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
        for name in ("A", "B"):
            wait_for_http(f"{self.url(name)}/healthz")
        self.processes.append(
            nginx_recipe.start(
                self.tmp / "nginx",
                [self.ports["A"], self.ports["B"]],
                self.nginx_port,
                self.static,
                lifetime=MICRO_CACHE_SECONDS,
                status_header=True,
            )
        )
        wait_for_http(f"{self.url('nginx')}/healthz")

    def stop(self):
        # Quick shutdowns: SIGINT for gunicorn, SIGTERM for nginx.
        for process in self.processes:
            process.send_signal(
                signal.SIGTERM if process.args[0] == nginx_recipe.NGINX else signal.SIGINT
            )
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    def browser(self, name):
        return Person(self.url(name))


@pytest.fixture(scope="module")
def machines(django_db_setup, collected_static, s3_server):
    if not Path(nginx_recipe.NGINX).exists():
        message = f"nginx not found at {nginx_recipe.NGINX} (apt-get install nginx)"
        if os.environ.get("REQUIRE_NGINX") == "1":
            pytest.fail(message)
        pytest.skip(message)
    # Readable by nginx's unprivileged workers (nobody, when started as root).
    tmp = Path(tempfile.mkdtemp(prefix="np_machines_"))
    tmp.chmod(0o755)
    (tmp / "nginx").mkdir(mode=0o755)
    s3_server.create_bucket(BUCKET)
    servers = Machines(tmp, collected_static, s3_server.environ(BUCKET))
    try:
        servers.start()
        yield servers
    finally:
        servers.stop()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def staff():
    """A moderator who is also an editor (uploads photos), password PASSWORD.

    The password is hashed with PBKDF2, which the app servers' settings know (the
    suite's fast hasher is the test process's own), with few rounds: a login upgrades
    it once, as it does after a release raises the rounds."""
    roles.sync_roles(apps)  # a transactional test flushes what the migrations made
    user = UserFactory(username="chef", is_staff=True)
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "severalservers", iterations=1000)
    user.save(update_fields=["password"])
    user.groups.add(*Group.objects.filter(name__in=[roles.EDITORS, roles.MODERATORS]))
    return user


def wait_past_micro_cache(since):
    """Sleep until a page nginx kept before `since` (a monotonic time) has expired
    (whole seconds: up to one past its lifetime, as tests/deployment/test_nginx.py)."""
    time.sleep(max(0.0, since + MICRO_CACHE_SECONDS + 1 + 0.5 - time.monotonic()))


def test_each_instance_answers_its_health_check(machines):
    for name in ("A", "B", "nginx"):
        answer = machines.browser(name).get("/healthz")
        assert answer.status == 200, name
        assert answer.body == '{"status": "ok"}', name


def test_a_session_opened_on_a_is_valid_on_b(machines, staff):
    browser = machines.browser("A")
    assert browser.at(machines.url("B")).get("/admin/").status == 302  # not logged in yet
    answer = browser.log_in(staff.username)
    assert answer.status == 302, answer.body[:500]
    assert answer.headers["Location"] == "/admin/"
    for name in ("B", "nginx", "A"):
        index = browser.at(machines.url(name)).get("/admin/")
        assert index.status == 200, name
        assert "chef" in index.body, name
    # Logging out on B ends the session everywhere.
    assert browser.at(machines.url("B")).post("/admin/logout/", {}).status in (200, 302)
    assert browser.at(machines.url("A")).get("/admin/").status == 302


def test_a_comment_approved_through_a_shows_through_b_at_once(machines, staff):
    article = ArticleFactory(title="Le budget en débat")
    article.comments_open = False  # a page every anonymous reader shares
    article.save()
    held = CommentFactory(
        article=article, body="Un avis que la modération attend", status=Comment.Status.PENDING
    )
    path = article.get_absolute_url()
    reader = machines.browser("B")
    nginx = machines.browser("nginx")
    # B keeps the page in its own memory; nginx keeps it too.
    reader.get(path)
    before = reader.get(path)
    assert before.status == 200
    assert before.headers["X-Page-Cache"] == "hit"
    assert "Un avis que la modération attend" not in before.body
    nginx.get(path)
    assert nginx.get(path).headers["X-Cache-Status"] == "HIT"

    moderator = machines.browser("A")
    assert moderator.log_in(staff.username).status == 302
    changed_at = time.monotonic()
    answer = moderator.post(
        "/admin/comments/comment/",
        {"action": "approve", "_selected_action": str(held.pk), "index": "0"},
    )
    assert answer.status == 302, answer.body[:500]
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED

    # B, which had the page, shows the comment on the very next request.
    after = reader.get(path)
    assert after.status == 200
    assert "Un avis que la modération attend" in after.body
    # Through nginx, once its micro-cache lifetime has passed, whichever server answers.
    wait_past_micro_cache(changed_at)
    for _ in range(2):
        assert "Un avis que la modération attend" in nginx.get(path).body


def test_a_photo_uploaded_through_a_is_served_through_b(machines, staff):
    editor = machines.browser("A")
    assert editor.log_in(staff.username).status == 302
    content = png_bytes(900, 600, (20, 90, 160))
    answer = editor.post(
        "/admin/articles/image/add/",
        {"alt_text": "Le port de Cotonou", "caption": "", "credit": "Rédaction"},
        files={"file": ("port-de-cotonou.png", "image/png", content)},
    )
    assert answer.status == 302, answer.body[:2000]
    image = Image.objects.get(alt_text="Le port de Cotonou")
    paths = [image.file.url, image.renditions[0]["url_jpeg"]]
    assert not any((machines.tmp / name / "media").exists() for name in ("A", "B"))

    def fetch(browser, path):
        answer = browser.get(path)
        if answer.status in (301, 302, 307):  # a signed address of the object store
            answer = browser.get(answer.headers["Location"])
        return answer

    # Under embargo (no published article shows it): its uploader sees it on B, the
    # same bytes as on A (the photo as the portal re-encoded it)…
    on_b = editor.at(machines.url("B"))
    served = {}
    for path in paths:
        from_a, from_b = fetch(editor, path), fetch(on_b, path)
        assert from_a.status == from_b.status == 200, path
        assert from_b.raw == from_a.raw, path
        served[path] = from_b.raw
    assert PILImage.open(BytesIO(served[paths[0]])).size == (900, 600)
    # …readers do not, on either server.
    for name in ("A", "B"):
        assert machines.browser(name).get(paths[0]).status == 404, name

    ArticleFactory(title="Le port s'agrandit", hero_image=image, status=Article.Status.PUBLISHED)
    for name in ("B", "nginx"):
        for path in paths:
            answer = fetch(machines.browser(name), path)
            assert answer.status == 200, (name, path)
            assert answer.raw == served[path], (name, path)


def test_the_comment_rate_limit_counts_posts_on_both_servers(machines):
    article = ArticleFactory(title="Un article très commenté")
    path = f"{article.get_absolute_url()}commenter/"
    statuses = []
    for name in ["A", "B", "nginx", "B", "A", "B"][: RATE_LIMIT + 1]:
        reader = machines.browser(name)
        answer = reader.post(path, {"name": "Koffi", "comment": "Bonjour à tous."})
        statuses.append((name, answer.status))
    # The first RATE_LIMIT posts are judged on their merits (none stored: no proof of
    # work), the next one is refused for its number, wherever it lands.
    assert all(status != 429 for _, status in statuses[:RATE_LIMIT]), statuses
    assert statuses[RATE_LIMIT][1] == 429, statuses
    assert machines.browser("A").post(path, {"name": "Koffi"}).status == 429
    assert not Comment.objects.filter(article=article).exists()


def test_login_lockout_counts_failures_on_both_servers(machines, staff):
    attempts = ["A", "B", "A", "nginx", "B"]
    assert len(attempts) == settings.AXES_FAILURE_LIMIT
    statuses = [
        machines.browser(name).log_in(staff.username, "a-wrong-guess").status for name in attempts
    ]
    assert statuses == [200] * (len(attempts) - 1) + [429], statuses
    # Locked out everywhere, the right password included.
    for name in ("A", "B"):
        browser = machines.browser(name)
        assert browser.log_in(staff.username).status == 429, name
        assert "sessionid" not in browser.cookies
