"""The address the portal believes it has: in development it follows `make run`'s HOST
and PORT; in production it is the configured SITE_URL."""

import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command

from comments.models import Comment
from comments.notifications import notify_moderators
from tests.discovery.pages import read_page
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "news.example.org"}


def settings_in_a_fresh_process(**env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "SITE_URL", "DEV_HOST", "DEV_PORT"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="newsportal.settings")
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.SITE_URL, settings.ALLOWED_HOSTS]))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("host", "port", "site_url", "allowed"),
    [
        ("127.0.0.1", "8102", "http://127.0.0.1:8102", "127.0.0.1"),
        ("localhost", "9000", "http://localhost:9000", "localhost"),
        ("0.0.0.0", "8103", "http://127.0.0.1:8103", "127.0.0.1"),  # noqa: S104
        ("::1", "8104", "http://[::1]:8104", "[::1]"),
        ("192.0.2.10", "8000", "http://192.0.2.10:8000", "192.0.2.10"),
    ],
)
def test_development_address_follows_host_and_port(host, port, site_url, allowed):
    found, allowed_hosts = settings_in_a_fresh_process(DEBUG="true", DEV_HOST=host, DEV_PORT=port)
    assert found == site_url
    assert allowed in allowed_hosts


def test_a_configured_site_url_wins_in_development():
    found, _hosts = settings_in_a_fresh_process(
        DEBUG="true", DEV_PORT="8102", SITE_URL="https://dev.example.org"
    )
    assert found == "https://dev.example.org"


@pytest.mark.parametrize(
    ("env", "site_url"),
    [
        ({"SITE_URL": "https://news.example.org"}, "https://news.example.org"),
        ({"SITE_URL": "https://news.example.org", "DEV_PORT": "8102"}, "https://news.example.org"),
        ({"DEV_HOST": "10.0.0.1", "DEV_PORT": "8102"}, "http://127.0.0.1:8000"),
    ],
)
def test_production_keeps_the_configured_address(env, site_url):
    found, allowed_hosts = settings_in_a_fresh_process(**PRODUCTION, **env)
    assert found == site_url
    assert allowed_hosts == ["news.example.org"]


def test_make_run_passes_host_and_port_to_every_step():
    result = subprocess.run(
        ["make", "-n", "run", "HOST=192.0.2.10", "PORT=8102"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    steps = [line for line in result.stdout.splitlines() if "manage.py" in line]
    for command in ("migrate", "seed_demo", "runserver"):
        [line] = [step for step in steps if f"manage.py {command}" in step]
        assert "DEV_HOST=192.0.2.10 DEV_PORT=8102" in line, line
    assert "http://192.0.2.10:8102/admin/" in result.stdout


# Everything built from the address follows it ------------------------------------------

DEV = "http://127.0.0.1:8102"


@pytest.fixture
def served_on_8102(settings):
    settings.SITE_URL = DEV
    return DEV


@pytest.mark.django_db
def test_pages_feeds_and_sitemaps_use_the_address(client, served_on_8102):
    author = AuthorFactory(name="Awa Diallo")
    section = SectionFactory(name="Afrique", slug="afrique")
    article = ArticleFactory(section=section, authors=[author], tags=["CEDEAO"])
    texts = []
    page = read_page(client.get(article.get_absolute_url()))
    assert page.canonical() == DEV + article.get_absolute_url()
    assert set(page.alternates().values()) >= {
        DEV + article.get_absolute_url(),
        DEV + "/en" + article.get_absolute_url(),
    }
    texts.append(client.get(article.get_absolute_url()).text)
    for url in ("/", "/rubrique/afrique/", "/tag/cedeao/", author.get_absolute_url()):
        assert read_page(client.get(url)).canonical().startswith(DEV + "/"), url
    for url in (
        "/flux/rss/",
        "/flux/atom/",
        "/en/flux/rss/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-news.xml",
        "/robots.txt",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert DEV + "/" in response.text, url
        texts.append(response.text)
    json_ld = re.findall(r'<script type="application/ld\+json">(.*?)</script>', texts[0], re.S)
    assert json_ld and all(DEV in block for block in json_ld)
    for text in texts:
        assert ":8000" not in text


@pytest.mark.django_db
def test_the_moderator_email_links_to_the_address(served_on_8102, settings):
    settings.COMMENTS_MODERATOR_EMAILS = ["moderation@example.test"]
    comment = Comment.objects.create(article=ArticleFactory(), name="Awa", body="Bonjour")
    assert notify_moderators.call(comment.pk) == 1
    assert f"{DEV}/admin/comments/comment/?status__exact=pending" in mail.outbox[0].body


@pytest.mark.django_db
def test_seed_demo_prints_the_admin_address(served_on_8102):
    out = StringIO()
    call_command("seed_demo", "--articles", "3", "--no-images", stdout=out)
    assert f"Admin: {DEV}/admin/" in out.getvalue()
    assert ":8000" not in out.getvalue()


@pytest.mark.django_db
def test_a_trailing_slash_and_a_port_give_one_spelling_of_every_link(client, settings):
    """Every link to the site is joined by one helper: no doubled slash, the port kept,
    and the feed's item ids name the host alone (RFC 4151 tag URIs)."""
    settings.SITE_URL = "https://news.example.org:8443/"
    settings.COMMENTS_MODERATOR_EMAILS = ["moderation@example.test"]
    author = AuthorFactory(name="Awa Diallo")
    section = SectionFactory(name="Afrique", slug="afrique")
    article = ArticleFactory(section=section, authors=[author], tags=["CEDEAO"])
    texts = {}
    for url in (
        article.get_absolute_url(),
        "/",
        "/rubrique/afrique/",
        "/tag/cedeao/",
        "/flux/rss/",
        "/flux/atom/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-tags.xml",
        "/sitemap-news.xml",
        "/robots.txt",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        texts[url] = response.text
    notify_moderators.call(Comment.objects.create(article=article, name="Awa", body="Bonjour").pk)
    texts["e-mail"] = mail.outbox[0].body

    links = {
        (where, link)
        for where, text in texts.items()
        for link in re.findall(r"https?://news\.example\.org[^\s\"'<>]*", text)
    }
    assert {where for where, _link in links} == set(texts)
    for where, link in links:
        assert link.startswith("https://news.example.org:8443/"), (where, link)
        assert "//" not in link.removeprefix("https://"), (where, link)
    assert read_page(client.get(article.get_absolute_url())).canonical() == (
        "https://news.example.org:8443" + article.get_absolute_url()
    )
    assert f"tag:news.example.org,{article.published_at:%Y-%m-%d}:article/" in texts["/flux/rss/"]
