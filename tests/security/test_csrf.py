"""CSRF: every POST without a token, or with another session's token, is refused with 403;
crawling every public page changes no row in the database."""

import hashlib
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from tests.factories import ArticleFactory, UserFactory

from .conftest import comment_post
from .inert import inspect
from .sitedata import build_site

pytestmark = pytest.mark.django_db


def csrf_client():
    return Client(enforce_csrf_checks=True)


def token_of(client, url):
    """The token a page's form carries, with the cookie set by that page."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["csrf_token"]


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
        (reverse("articles:home"), reverse("set_language"), {"language": "en", "next": "/"}),
        (
            reverse("admin:login"),
            reverse("admin:login"),
            {"username": staff.username, "password": "correct horse battery staple"},
        ),
    ]


def test_every_post_without_a_token_is_refused(article, staff):
    for _, action, data in public_posts(article, staff):
        client = csrf_client()
        assert client.post(action, data).status_code == 403, action
        # A cookie but no token in the form is refused too.
        client.get(reverse("admin:login"))
        assert client.post(action, data).status_code == 403, action


def test_another_sessions_token_is_refused(article, staff):
    for page, action, data in public_posts(article, staff):
        victim = csrf_client()
        stolen = token_of(victim, page)
        attacker = csrf_client()
        token_of(attacker, page)  # the attacker has a cookie of their own
        response = attacker.post(action, {**data, "csrfmiddlewaretoken": stolen})
        assert response.status_code == 403, action
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


# Tables that a GET may write to, and why (none so far).
WRITTEN_BY_READING = {}


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


def crawl(client, start, limit):
    """Follow every link of the site's own pages from `start`, breadth first."""
    seen, queue, statuses = {start}, deque([start]), {}
    while queue and len(statuses) < limit:
        url = queue.popleft()
        response = client.get(url)
        statuses[url] = response.status_code
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = LinkCollector()
        page.feed(response.content.decode())
        for href in page.links:
            target = urldefrag(href)[0]
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not target.startswith("/"):
                continue
            if target.startswith(("/admin", "/en/admin", "/static/", "/media/")):
                continue
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return statuses


class LinkCollector:
    def __init__(self):
        self.links = []

    def feed(self, html):
        inspector = inspect(html)
        self.links = inspector.links


def test_crawling_every_public_page_changes_no_row():
    build_site()
    before = database_fingerprint()
    client = Client()
    statuses = crawl(client, "/", limit=300) | crawl(client, "/en/", limit=300)
    after = database_fingerprint()
    assert 500 not in statuses.values()
    for kind in ("/rubrique/", "/article/", "/tag/", "/auteur/", "/en/article/"):
        assert any(url.startswith(kind) for url in statuses), (kind, sorted(statuses))
    changed = {table for table in before if before[table] != after[table]}
    assert changed == set(), changed
