"""What a visitor can make the page cache store: bounded in number and in time.

Every key the portal writes has a lifetime; an address that answers 404 stores nothing;
parameters no page reads (utm_*, fbclid…) make no new entry; search results are never
kept in a shared entry; the cache status header stays out of production.
"""

import secrets

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from newsportal import pagecache

pytestmark = pytest.mark.django_db

ON_REDIS = "django_redis" in settings.CACHES["default"]["BACKEND"]
TRACKING = [
    "utm_source=newsletter&utm_medium=email&utm_campaign=matin",
    "fbclid=IwAR0abc",
    "gclid=Cj0KCQ",
    "mc_eid=12345",
    "ref=accueil",
    "x=1",
]


def stored_keys():
    """{key: seconds left, or None for no lifetime} of everything in the cache."""
    if ON_REDIS:
        # The suite's Redis database is this run's own: everything in it is ours.
        client = cache.client.get_client(write=True)
        keys = {}
        for key in client.scan_iter(count=1000):
            ttl = client.ttl(key)
            keys[key.decode()] = None if ttl == -1 else ttl
        return keys
    return dict(cache._expire_info)  # LocMemCache: key -> expiry time, None for never


def keys_without_lifetime():
    return sorted(key for key, ttl in stored_keys().items() if ttl is None)


def page_keys():
    return {key for key in stored_keys() if pagecache.PAGE_KEY_PREFIX in key}


def test_every_key_written_while_reading_and_commenting_has_a_lifetime(client, site):
    from comments.models import Comment

    urls = [
        "/",
        "/en/",
        site["article"].get_absolute_url(),
        site["news"].get_absolute_url(),
        site["diplomatie"].get_absolute_url() + "?page=2",
        "/tag/cedeao/",
        site["author"].get_absolute_url(),
        "/recherche/?q=sommet",
        "/flux/rss/",
        "/sitemap.xml",
    ]
    for url in urls:
        assert client.get(url, HTTP_USER_AGENT="Mozilla/5.0 Firefox/140.0").status_code in (
            200,
            404,
        )
    # An approved comment renews the article's scope; a section change forgets the tree.
    comment = Comment.objects.create(
        article=site["article"], name="Awa", body="Merci.", status=Comment.Status.APPROVED
    )
    comment.save()
    site["benin"].save()
    from articles.discovery import readership

    readership.flush_reads()
    assert stored_keys(), "nothing was stored: this test would show nothing"
    assert keys_without_lifetime() == []


def test_random_missing_addresses_store_nothing(client, site):
    # The site has been read once: the generation record exists.
    assert client.get(site["article"].get_absolute_url()).status_code == 200
    before = set(stored_keys())
    for _ in range(40):
        token = secrets.token_hex(12)
        for url in (
            f"/article/{token}/",
            f"/en/article/{token}/",
            f"/article/{token}/?commentaires=2",
            f"/rubrique/{token}/",
            f"/tag/{token}/",
            f"/auteur/{token}/",
        ):
            assert client.get(url).status_code == 404, url
    assert set(stored_keys()) - before == set()
    assert keys_without_lifetime() == []


def test_a_scope_token_ends_everywhere_at_the_same_moment():
    pagecache.scope_changed("comments:un-article")
    token = cache.get(pagecache.scope_key("comments:un-article"))
    assert pagecache.scope_version(token) == token
    end = int(token.rpartition(".")[2])
    assert pagecache.scope_version(token, now=end + 1) == pagecache.NO_CHANGE
    assert pagecache.scope_version(None) == pagecache.NO_CHANGE
    # It outlives any page or fragment stored before it (600 s for fragments).
    assert max(settings.PAGE_CACHE_SECONDS, 600) < pagecache.SCOPE_SECONDS


@pytest.mark.parametrize("tracking", TRACKING)
def test_unknown_query_parameters_make_no_new_entry(client, site, tracking):
    for url in ("/", site["article"].get_absolute_url(), site["news"].get_absolute_url()):
        assert client.get(url)["X-Page-Cache"] == "miss"
        keys = page_keys()
        response = client.get(f"{url}?{tracking}")
        assert response.status_code == 200
        assert response["X-Page-Cache"] == "hit", url
        assert page_keys() == keys


def test_a_page_parameter_keeps_its_own_entry_and_tracking_stays_out_of_links(client, site):
    from tests.factories import ArticleFactory

    ArticleFactory.create_batch(settings.ARTICLES_PER_PAGE + 1, section=site["diplomatie"], tags=[])
    section = site["diplomatie"].get_absolute_url()
    first = client.get(f"{section}?utm_source=x")
    assert first.status_code == 200
    second = client.get(f"{section}?page=2&utm_source=x&fbclid=y")
    assert second["X-Page-Cache"] == "miss"  # another page: its own entry
    assert client.get(f"{section}?fbclid=z&page=2")["X-Page-Cache"] == "hit"
    for response in (first, second):
        body = response.content.decode()
        assert "?page=" in body  # pagination links are there…
        assert "utm_source" not in body and "fbclid" not in body  # …without tracking


def test_spellings_of_one_page_share_its_entry(client, site):
    from comments.models import PAGE_PARAMETER

    url = site["article"].get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    keys = page_keys()
    # The comment page number as the page reads it: garbage and 1 are the first page.
    for query in ("x", "1", "0", "-4", "abc", "9" * 5000, "²"):
        response = client.get(url, {PAGE_PARAMETER: query, "utm_source": "x"})
        assert response.status_code == 200
        assert response["X-Page-Cache"] == "hit", query
    assert page_keys() == keys
    section = site["news"].get_absolute_url()
    client.get(section + "?page=1")
    assert client.get(section + "?page=01")["X-Page-Cache"] == "hit"
    assert client.get(section + "?page=abc").status_code == 404


def test_comment_pages_past_the_end_store_nothing(client, site):
    # One page of comments: any number past it leads there, and leaves no entry (an
    # entry per number, up to the cap, was a way to fill the cache).
    from comments.models import PAGE_PARAMETER
    from tests.factories import CommentFactory

    CommentFactory(article=site["article"], body="Le seul avis")
    url = site["article"].get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    keys = set(stored_keys())
    for number in (2, 3, 99, 100_000, 10**9):
        response = client.get(url, {PAGE_PARAMETER: number})
        assert response.status_code == 302
        assert response["Location"] == f"{url}#comments"
    assert set(stored_keys()) == keys
    assert "Le seul avis" in client.get(url, {PAGE_PARAMETER: 2}, follow=True).text


def test_search_results_are_never_shared(client, site):
    url = "/recherche/?q=sommet"
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert response.get("X-Page-Cache") in (None, "bypass")
        assert "private" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]
    assert page_keys() == set()


def test_no_cache_status_header_in_production(client, site, settings):
    settings.PAGE_CACHE_STATUS_HEADER = False
    for url in ("/", site["article"].get_absolute_url(), "/recherche/?q=sommet", "/tag/cedeao/"):
        for _ in range(2):  # a miss, then a hit
            assert "X-Page-Cache" not in client.get(url)
    logged_in = Client()
    logged_in.cookies[settings.SESSION_COOKIE_NAME] = "x"
    assert "X-Page-Cache" not in logged_in.get("/")


def test_the_status_header_is_off_unless_asked_for():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "PAGE_CACHE_STATUS_HEADER"))
    }
    code = "from django.conf import settings; print(settings.PAGE_CACHE_STATUS_HEADER)"
    result = subprocess.run(  # noqa: S603  (our own interpreter and settings)
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=Path(__file__).resolve().parents[2],
        env={**env, "DJANGO_SETTINGS_MODULE": "newsportal.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    "query",
    ["?avant=zz1", "?avant=1_0-1", "?avant=%2B1-1", "?page=77", "?page=123456789012"],
)
def test_parameters_a_page_does_not_read_make_no_entry(client, site, settings, query):
    """The home page reads no parameter and the article page only its comment pages:
    a `?page=` or `?avant=` there is the same page, stored once."""
    settings.PAGE_CACHE_SECONDS = 300
    article = site["article"]
    for path in ("/", article.get_absolute_url()):
        client.get(path)
        before = page_keys()
        assert before
        response = client.get(path + query)
        assert response.status_code == 200
        assert page_keys() == before, path + query


@pytest.mark.parametrize("spelling", ["1_700-1", "+1700-1", " 1700-1", "01700-1", "abc"])
def test_a_cursor_spelled_another_way_is_a_404(client, site, spelling):
    section = site["article"].section
    response = client.get(section.get_absolute_url(), {"avant": spelling})
    assert response.status_code == 404


def test_a_public_page_never_carries_a_cookie_for_a_shared_cache(client, site):
    client.cookies["csrftoken"] = "bad!"
    response = client.get(site["article"].get_absolute_url() + "?page=77")
    assert response.status_code == 200
    assert response.cookies  # Django replaces the malformed CSRF cookie on the way out
    assert "public" not in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
