"""CSRF: every POST without a token, or with another session's token, is refused with 403
(a comment gets the confirmation step instead, and nothing is stored); crawling every
public page changes no row in the database."""

import hashlib
import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from articles.discovery.readership import flush_reads
from articles.models import ArticleReadCount
from comments.models import Comment
from tests.factories import ArticleFactory, UserFactory
from tests.formparts import fetch_parts

from .conftest import comment_post
from .inert import inspect
from .sitedata import build_site

pytestmark = pytest.mark.django_db


def csrf_client():
    return Client(enforce_csrf_checks=True)


def token_of(client, url):
    """The token a page's form carries, with its cookie: in the page (the admin), or
    fetched when the form is touched (a public page, the same for every reader)."""
    response = client.get(url)
    assert response.status_code == 200, url
    if "data-parts-url=" in response.text:
        return fetch_parts(client, response.text)["csrfmiddlewaretoken"]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)


def assert_refused(response, action):
    """A 403, or for a comment the confirmation step (never cached), with nothing stored."""
    if "/commenter/" in action:
        assert response.status_code == 200, action
        assert "no-store" in response["Cache-Control"]
        assert 'name="question_token"' in response.text
        assert not Comment.objects.exists()
    else:
        assert response.status_code == 403, action


@pytest.fixture
def article():
    return ArticleFactory(comments_open=True)


@pytest.fixture
def staff():
    return UserFactory(username="chef", is_staff=True, is_superuser=True)


def public_posts(article, staff):
    """Every form the site accepts: (where the form is shown, where it posts, the data)."""
    return [
        (
            article.get_absolute_url(),
            reverse("comments:post", args=[article.slug]),
            comment_post(article),
        ),
        # The language switch posts from any page with a form (a token) in it.
        (article.get_absolute_url(), reverse("set_language"), {"language": "en", "next": "/"}),
        (
            reverse("admin:login"),
            reverse("admin:login"),
            {"username": staff.username, "password": "correct horse battery staple"},
        ),
    ]


def test_every_post_without_a_token_is_refused(article, staff):
    for _, action, data in public_posts(article, staff):
        client = csrf_client()
        assert_refused(client.post(action, data), action)
        # A cookie but no token in the form is refused too.
        client.get(reverse("admin:login"))
        assert_refused(client.post(action, data), action)


def test_another_sessions_token_is_refused(article, staff):
    for page, action, data in public_posts(article, staff):
        victim = csrf_client()
        stolen = token_of(victim, page)
        attacker = csrf_client()
        token_of(attacker, page)  # the attacker has a cookie of their own
        response = attacker.post(action, {**data, "csrfmiddlewaretoken": stolen})
        assert_refused(response, action)
        # The victim's own token works in the victim's session: the refusal is the token.
        assert victim.post(action, {**data, "csrfmiddlewaretoken": stolen}).status_code != 403


def test_admin_forms_need_a_token_too(staff, article):
    client = csrf_client()
    client.force_login(staff)
    change = reverse("admin:articles_article_change", args=[article.pk])
    assert client.post(change, {"title": "Piraté"}).status_code == 403
    assert client.post(reverse("admin:logout")).status_code == 403
    article.refresh_from_db()
    assert article.title != "Piraté"


# The one table a GET writes to: reading an article counts one read for « most read »
# (articles/discovery/readership.py), per article and day, with nothing about the reader; the
# counts are added after the response is sent. The crawl checks that table apart.
READ_COUNTS = ArticleReadCount._meta.db_table
WRITTEN_BY_READING = {READ_COUNTS}


def database_fingerprint():
    """Row count and a checksum of every row of every table."""
    fingerprint = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in WRITTEN_BY_READING:
            continue
        rows = list(model._base_manager.order_by("pk").values_list())
        fingerprint[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return fingerprint


def links_of(response):
    """The site's own addresses a page points to: links, feeds, sitemap entries."""
    body = response.content.decode()
    if "html" in response.get("Content-Type", ""):
        found = inspect(body).links
        found += re.findall(r'<link rel="alternate"[^>]*href="([^"]+)"', body)
    else:  # feeds and sitemaps: absolute addresses on SITE_URL
        found = re.findall(r"<loc>([^<]+)</loc>|<link>([^<]+)</link>", body)
        found = [a or b for a, b in found]
    paths = []
    for href in found:
        parts = urlsplit(urldefrag(href)[0])
        if parts.netloc and parts.netloc != urlsplit(django_settings.SITE_URL).netloc:
            continue
        if parts.path.startswith("/"):
            paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def crawl(client, starts, limit):
    """Follow every address of the site's own pages from `starts`, breadth first."""
    seen, queue, statuses = set(starts), deque(starts), {}
    while queue and len(statuses) < limit:
        url = queue.popleft()
        response = client.get(url)
        statuses[url] = response.status_code
        if response.status_code != 200:
            continue
        for target in links_of(response):
            if target.startswith(("/admin", "/en/admin", "/static/", "/media/")):
                continue
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return statuses


def read_counts():
    totals = ArticleReadCount.objects.values("article_id").annotate(total=Sum("reads"))
    return {row["article_id"]: row["total"] for row in totals}


def test_crawling_every_public_page_changes_no_row(settings):
    site = build_site()
    settings.READ_COUNT_FLUSH_SECONDS = 0  # flush the read counts after every request
    flush_reads()
    before = database_fingerprint()
    reads_before = read_counts()
    # A browser's User-Agent: robots' reads are not counted, a reader's are.
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0")
    starts = ["/", "/en/", "/recherche/?q=sommet", "/sitemap.xml", "/robots.txt"]
    statuses = crawl(client, starts, limit=400)
    flush_reads()
    after = database_fingerprint()
    assert 500 not in statuses.values()
    assert len(statuses) >= 40, sorted(statuses)
    for kind in (
        "/rubrique/",
        "/article/",
        "/tag/",
        "/auteur/",
        "/en/article/",
        "/flux/",
        "/sitemap-",
        "/recherche/",
    ):
        assert any(url.startswith(kind) for url in statuses), (kind, sorted(statuses))
    changed = {table for table in before if before[table] != after[table]}
    assert changed == set(), changed
    # Read counts only grew, one per article read, for published articles only: the
    # crawler is one client, so an article read in French and in English, light or full
    # (/leger/, /complet/), counts once.
    reads = read_counts()
    articles_read = {
        url.removeprefix("/leger").removeprefix("/complet").removeprefix("/en")
        for url, status in statuses.items()
        # An article page, not its reply pages (/article/<slug>/commenter/repondre/…).
        if "/article/" in url and "/commenter/" not in url and status == 200
    }
    assert sum(reads.values()) - sum(reads_before.values()) == len(articles_read)
    published = {article.pk for article in site["articles"]}
    assert set(reads) <= published
