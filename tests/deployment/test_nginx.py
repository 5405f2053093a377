"""The nginx recipe (docs/nginx/newsportal.conf) in front of gunicorn, both started here.

nginx runs unprivileged from its own prefix, temp and cache folders, on a free port of
127.0.0.1 (tools/nginx_recipe.py), with the recipe as shipped except for the values a
deployment sets (ports, folders) and a micro-cache lifetime of MICRO_CACHE_SECONDS
instead of 10 s, so that the test stays short. It adds `X-Cache-Status` (nginx's
$upstream_cache_status), the one line the recipe leaves commented out; gunicorn's access
log shows which requests reached the portal.

What the test assumes of the portal:

- A page the portal marks `Cache-Control: public` is served by nginx from the second
  request on: the home page, a section, an article whether its comments are open or
  closed (the comment form carries nothing of one reader). A personal page (search
  results, a session cookie) reaches gunicorn every time.
- A comment is posted with the fields the form sends today (name, comment, website,
  rendered_at, altcha, csrfmiddlewaretoken); the test makes its own CSRF cookie and
  stamp rather than reading them from the page, so it does not depend on where the
  page gets them.

Bounded: two gunicorn workers, one nginx worker, a few dozen requests, about ten
seconds. Skipped without nginx, except with REQUIRE_NGINX=1 (set by .ci/run), where
that is a failure. Needs the suite's PostgreSQL run (gunicorn, another process, reads
the test database) and Redis (the portal's processes hear of changes through it).
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import altcha
import pytest
from django.conf import settings
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from comments.scoring import sign_render_time
from tests.factories import ArticleFactory, CommentFactory, ImageFactory, SectionFactory
from tests.reliability.postgres import free_port, wait_for_http
from tools import nginx_recipe

from .appservers import app_server_environ, readable_static
from .browsing import Browser, needs_postgresql_and_redis

ROOT = Path(__file__).resolve().parents[2]
MICRO_CACHE_SECONDS = 2

pytestmark = [needs_postgresql_and_redis, pytest.mark.django_db(transaction=True)]


class Edge:
    """nginx on 127.0.0.1 in front of gunicorn, both run by the test."""

    def __init__(self, tmp, collected_static):
        self.tmp = tmp
        self.gunicorn_port, self.nginx_port = free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.nginx_port}"
        readable_static(collected_static, tmp / "static")
        self.gunicorn_log = tmp / "gunicorn.log"
        self.processes = []

    def start(self):
        env = app_server_environ(
            self.tmp / "static",
            self.tmp / "media",
            self.gunicorn_port,
            workers=2,
            PAGE_CACHE_STATUS_HEADER="false",
            COMMENTS_CAPTCHA_PROVIDER="builtin",
            COMMENTS_ALTCHA_COST="10",
            COMMENTS_ALTCHA_MIN_COUNTER="1",
            COMMENTS_ALTCHA_MAX_COUNTER="30",
            COMMENTS_MIN_SUBMIT_SECONDS="0",
            COMMENTS_RATE_LIMIT="1000",
            COMMENTS_RECENT_POSTS_LIMIT="1000",
            COMMENTS_PREMODERATION="false",
        )
        with open(self.gunicorn_log, "w") as log:
            self.processes.append(
                subprocess.Popen(  # noqa: S603  (our interpreter, our config)
                    [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        wait_for_http(f"http://127.0.0.1:{self.gunicorn_port}/healthz")

        self.processes.append(
            nginx_recipe.start(
                self.tmp,
                self.gunicorn_port,
                self.nginx_port,
                self.tmp / "static",
                lifetime=MICRO_CACHE_SECONDS,
                status_header=True,
            )
        )
        wait_for_http(f"{self.base}/healthz")

    def stop(self):
        # Quick shutdowns: SIGTERM for nginx, SIGINT for gunicorn.
        for process, quick in zip(self.processes, (signal.SIGINT, signal.SIGTERM), strict=False):
            process.send_signal(quick)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    def reader(self):
        return Browser(self.base)

    def reached_gunicorn(self, path, at_least=0, method="GET"):
        """How many requests for `path` (with its query string) gunicorn answered.

        gunicorn logs a request just after answering it: wait for `at_least` lines
        (5 s at most), then a moment for any line still on its way."""
        deadline = time.monotonic() + 5
        while self.count_access_lines(path, method) < at_least:
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        time.sleep(0.2)
        return self.count_access_lines(path, method)

    def count_access_lines(self, path, method):
        """gunicorn's JSON access lines (newsportal/accesslog.py) for `method` `path`."""
        count = 0
        for line in self.gunicorn_log.read_text().splitlines():
            if line.startswith("{"):
                entry = json.loads(line)
                count += entry.get("method") == method and entry.get("path") == path
        return count


@pytest.fixture
def edge(transactional_db, collected_static):
    if not Path(nginx_recipe.NGINX).exists():
        message = f"nginx not found at {nginx_recipe.NGINX} (apt-get install nginx)"
        if os.environ.get("REQUIRE_NGINX") == "1":
            pytest.fail(message)
        pytest.skip(message)
    # Readable by nginx's unprivileged workers (nobody, when started as root).
    tmp = Path(tempfile.mkdtemp(prefix="np_nginx_"))
    tmp.chmod(0o755)
    server = Edge(tmp, collected_static)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def wait_past_micro_cache(since):
    """Sleep until a page nginx kept before `since` (a monotonic time) has expired.

    nginx keeps time in whole seconds: an entry stored at second t is valid while its
    clock reads t + lifetime or less (ngx_http_file_cache_read expires it when
    `valid_sec < now`), so it may live up to one second past its lifetime. This waits
    for an expiry the test is about; it measures nothing."""
    time.sleep(max(0.0, since + MICRO_CACHE_SECONDS + 1 + 0.5 - time.monotonic()))


def stylesheet(html):
    return re.search(r'<link rel="stylesheet" href="(/static/[^"]+\.css)"', html).group(1)


def test_nginx_serves_shared_pages_and_static_files_and_never_personal_ones(edge):
    section = SectionFactory(name="Diplomatie", slug="diplomatie")
    closed = ArticleFactory(title="Un article sans commentaires", section=section)
    closed.comments_open = False
    closed.save()
    commented = ArticleFactory(title="Un article à commenter", section=section)
    reader = edge.reader()

    # A public page: the second request is answered by nginx, gunicorn sees one.
    for path in ("/", closed.get_absolute_url(), section.get_absolute_url()):
        first, second = reader.get(path), reader.get(path)
        assert first.status == second.status == 200, path
        assert first.public, (path, first.headers.get("Cache-Control"))
        assert (first.cache, second.cache) == ("MISS", "HIT"), path
        assert second.body == first.body
        assert edge.reached_gunicorn(path, at_least=1) == 1, path
    # …and with parameters that only say where the reader came from.
    path = closed.get_absolute_url()
    for tracking in ("?utm_source=lettre&utm_medium=email", "?fbclid=IwAR0x"):
        assert reader.get(path + tracking).cache == "HIT"

    # The page a news site serves most, an article with its comment form, is the same
    # for every reader (no CSRF token or stamp in it): nginx keeps it too.
    path = commented.get_absolute_url()
    first, second = reader.get(path), reader.get(path)
    assert first.status == second.status == 200
    assert first.public, first.headers.get("Cache-Control")
    assert 'class="comment-form"' in first.body
    assert (first.cache, second.cache) == ("MISS", "HIT")
    assert edge.reached_gunicorn(path, at_least=1) == 1

    # Search results are never shared.
    for _ in range(2):
        assert reader.get("/recherche/?q=sommet").cache != "HIT"
    assert edge.reached_gunicorn("/recherche/?q=sommet", at_least=2) == 2

    # A logged-in reader (a session cookie) always reaches the portal.
    staff = edge.reader()
    staff.cookies["sessionid"] = "not-a-real-session"
    before = edge.reached_gunicorn("/", at_least=1)
    assert staff.get("/").cache == "BYPASS"
    assert edge.reached_gunicorn("/", at_least=before + 1) == before + 1

    # gzip for HTML: the same page, compressed.
    plain = reader.get("/")
    packed = reader.get("/", compressed=True)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.body == plain.body and len(packed.raw) < len(plain.raw) / 3

    # Static files from disk, pre-compressed, kept a year; gunicorn never sees them.
    css = stylesheet(plain.body)
    answer = reader.get(css, compressed=True)
    assert answer.status == 200
    assert answer.headers["Content-Encoding"] == "gzip"
    assert "immutable" in answer.headers["Cache-Control"]
    assert edge.reached_gunicorn(css) == 0
    assert "/static/" not in edge.gunicorn_log.read_text()


def test_a_reader_who_just_posted_sees_their_comment_at_once(edge):
    article = ArticleFactory(title="Un article très lu")
    path = article.get_absolute_url()
    # Other readers have the page, in nginx's cache if the portal lets it keep it.
    for _ in range(2):
        assert edge.reader().get(path).status == 200

    poster = edge.reader()
    poster.cookies["csrftoken"] = secret = "a" * 16 + "B" * 16  # a CSRF secret of our own
    challenge = altcha.Challenge.from_dict(
        json.loads(poster.get("/commentaires/altcha/defi/").body)
    )
    solution = altcha.solve_challenge(challenge, timeout=10)
    text = "Je viens de lire : merci pour ce papier clair."
    answer = poster.request(
        f"{path}commenter/",
        data={
            "csrfmiddlewaretoken": secret,
            "name": "Aïcha",
            "comment": text,
            "website": "",
            "rendered_at": sign_render_time(article.pk, at=time.time() - 60),
            "altcha": altcha.Payload(challenge, solution).to_base64(),
        },
    )
    assert answer.status == 302, answer.body[:500]
    # The reader's session holds their comment's outcome: it makes nginx and the app hand
    # this reader a page of their own (comments.outcomes).
    assert settings.SESSION_COOKIE_NAME in poster.cookies
    assert Comment.objects.get(body=text).status == Comment.Status.APPROVED
    location = urllib.parse.urlsplit(answer.headers["Location"])
    page = poster.get(location.path + (f"?{location.query}" if location.query else ""))
    assert page.status == 200
    assert page.cache == "BYPASS"
    assert text.replace(":", "") in page.body.replace("&#x27;", "'").replace(":", "")


def test_changes_reach_every_reader_within_the_micro_cache_lifetime(edge):
    section = SectionFactory(name="Monde", slug="monde")
    discussed = ArticleFactory(title="Le débat continue", section=section)
    discussed.comments_open = False
    discussed.save()
    held = CommentFactory(
        article=discussed, body="Un avis attendu par la rédaction", status=Comment.Status.PENDING
    )
    withdrawn = ArticleFactory(title="Un article bientôt retiré", section=section)
    withdrawn.comments_open = False
    withdrawn.save()
    reader = edge.reader()
    for path in (discussed.get_absolute_url(), withdrawn.get_absolute_url(), "/"):
        reader.get(path)
        assert reader.get(path).cache == "HIT", path  # kept by nginx
    assert "Un avis attendu" not in reader.get(discussed.get_absolute_url()).body
    assert "Un article bientôt retiré" in reader.get("/").body

    # A moderator approves the comment, an editor takes the article offline.
    changed_at = time.monotonic()
    held.status = Comment.Status.APPROVED
    held.save()
    withdrawn.status = Article.Status.DRAFT
    withdrawn.save()
    wait_past_micro_cache(changed_at)

    for someone in (reader, edge.reader()):
        assert "Un avis attendu par la rédaction" in someone.get(discussed.get_absolute_url()).body
        assert someone.get(withdrawn.get_absolute_url()).status == 404
        assert "Un article bientôt retiré" not in someone.get("/").body


def test_a_photo_under_embargo_is_404_through_nginx_until_its_article_is_published(edge, settings):
    # The test's uploads land where gunicorn reads them.
    settings.MEDIA_ROOT = edge.tmp / "media"
    photo = ImageFactory(alt_text="Le pont neuf", credit="AFP")
    article = ArticleFactory(hero_image=photo, status=Article.Status.DRAFT, published_at=None)
    for folder, _, files in os.walk(edge.tmp / "media"):
        os.chmod(folder, 0o755)  # noqa: S103  (as the static files: readable by the app)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    paths = [photo.file.url, photo.renditions[0]["url_jpeg"], photo.renditions[-1]["url_webp"]]
    reader = edge.reader()
    for path in paths:
        assert reader.get(path).status == 404, path
        assert reader.get(path).status == 404, path  # nor kept by nginx

    article.status = Article.Status.PUBLISHED
    article.published_at = timezone.now()
    article.save()
    for path in paths:
        answer = reader.get(path)
        assert answer.status == 200, path
        assert answer.raw[:4] in (b"\x89PNG", b"RIFF") or answer.raw[:2] == b"\xff\xd8", path


def test_nginx_keeps_the_light_page_and_the_full_page_apart(edge):
    """Save-Data: on, or the /leger/ address, is answered with the light page from
    nginx's micro-cache, and a plain request after it with the full page (the variant is
    in the recipe's cache key)."""
    article = ArticleFactory(title="Un article à lire léger", hero_image=ImageFactory())
    reader = edge.reader()
    saver = Browser(edge.base, headers={"Save-Data": "on"})

    def light(answer):
        return "/static/css/light" in answer.body and "<picture" not in answer.body

    for path in ("/", article.get_absolute_url()):
        for first, second in ((reader, saver), (saver, reader)):
            wait_past_micro_cache(time.monotonic())
            answers = [first.get(path), second.get(path), first.get(path), second.get(path)]
            assert [a.status for a in answers] == [200] * 4, path
            # Fetched from the portal (MISS, or EXPIRED after the first round), then kept.
            assert [a.cache == "HIT" for a in answers] == [False, False, True, True], path
            assert [light(a) for a in answers] == [first is saver, second is saver] * 2, path
            varies = [" ".join(a.headers.get_all("Vary") or []) for a in answers]
            assert all("Save-Data" in vary for vary in varies), (path, varies)
        address = "/leger" + path
        wait_past_micro_cache(time.monotonic())
        answers = [reader.get(address), reader.get(address), reader.get(path)]
        assert [a.cache == "HIT" for a in answers] == [False, True, False], path
        assert [light(a) for a in answers] == [True, True, False], path


def test_an_odd_save_data_value_never_gives_the_light_page_to_the_next_reader(edge):
    """`Save-Data: \\xa0on` (a no-break space, which nginx's key does not take for a
    space): the page the portal answers is the one nginx keys, so the reader after it
    gets the full page, not a light copy kept under the full page's key."""
    article = ArticleFactory(title="Un article lu après un en-tête bizarre")
    for value in ("\xa0on", "on\x85"):
        wait_past_micro_cache(time.monotonic())
        odd = Browser(edge.base, headers={"Save-Data": value}).get(article.get_absolute_url())
        after = edge.reader().get(article.get_absolute_url())
        assert odd.status == after.status == 200, value
        assert "/static/css/light" not in odd.body, value
        assert "/static/css/light" not in after.body, value


def test_save_data_sent_twice_gives_the_page_that_nginx_keys(edge):
    """Two `Save-Data` lines: nginx's key reads one of them (the first, before nginx
    1.23), gunicorn joins both ("on,on", not "on" to the portal). The recipe forwards
    the variant it keyed, so the page kept under the light key is the light page, and
    the Save-Data reader after it gets no photos."""
    import http.client

    article = ArticleFactory(title="Un article lu après deux en-têtes", hero_image=ImageFactory())
    path = article.get_absolute_url()
    for values in (("on", "on"), ("on", "x"), ("x", "on")):
        wait_past_micro_cache(time.monotonic())
        connection = http.client.HTTPConnection("127.0.0.1", edge.nginx_port, timeout=30)
        connection.putrequest("GET", path)
        for value in values:
            connection.putheader("Save-Data", value)
        connection.endheaders()
        twice = connection.getresponse()
        twice.read()
        connection.close()
        saver = Browser(edge.base, headers={"Save-Data": "on"}).get(path)
        reader = edge.reader().get(path)
        assert twice.status == saver.status == reader.status == 200, values
        assert "/static/css/light" in saver.body, values
        assert "/static/css/light" not in reader.body, values
