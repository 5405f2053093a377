"""Early hits: a page this process holds is answered by PageCacheMiddleware, before the
session, CSRF, authentication and messages middleware, with the same headers and the
same bytes as a page that went the whole way."""

import re

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client

from articles.discovery import readership
from comments.models import Comment
from tests.formparts import fetch_parts, form_action, parts_url
from tests.security.conftest import solve_altcha

pytestmark = pytest.mark.django_db

# Headers that may differ between two responses with the same page.
PER_RESPONSE = {"date", "x-request-id"}  # its own for each answer (newsportal.logs)


@pytest.fixture
def urls(site):
    return {
        "article": site["article"].get_absolute_url(),
        "home": "/",
        "section": site["diplomatie"].get_absolute_url(),
        "tag": "/tag/cedeao/",
        "english home": "/en/",
        "english article": "/en" + site["article"].get_absolute_url(),
    }


def early(response):
    """Whether the page was answered before SessionMiddleware ran."""
    return not hasattr(response.wsgi_request, "session")


def test_the_second_request_is_answered_before_sessions_and_url_resolving(
    urls, django_assert_num_queries
):
    for name, url in urls.items():
        first = Client().get(url)
        assert first["X-Page-Cache"] == "miss" and not early(first), name
        with django_assert_num_queries(0):
            second = Client().get(url)
        assert second.status_code == 200, name
        assert second["X-Page-Cache"] == "hit" and early(second), name
        assert not hasattr(second.wsgi_request, "user"), name


def test_an_early_hit_has_the_headers_of_the_whole_way(urls):
    for name, url in urls.items():
        whole = Client().get(url, secure=True)
        hit = Client().get(url, secure=True)
        assert early(hit) and not early(whole), name
        same = {k.lower(): v for k, v in whole.headers.items() if k.lower() not in PER_RESPONSE}
        got = {k.lower(): v for k, v in hit.headers.items() if k.lower() not in PER_RESPONSE}
        assert got == {**same, "x-page-cache": "hit"}, name
        assert hit["Content-Language"] == ("en" if "english" in name else "fr"), name
        assert "Strict-Transport-Security" in hit and hit["X-Frame-Options"] == "DENY", name
        # The same bytes both ways, no cookie, no nonce: nothing of one reader.
        assert hit.content == whole.content, name
        assert not hit.cookies and not whole.cookies, name
        assert "nonce" not in hit["Content-Security-Policy"], name


def test_an_early_hit_shows_the_language_of_its_url(urls):
    for url in (urls["english home"], urls["home"], urls["english home"]):
        Client().get(url)
    assert 'lang="en"' in Client().get(urls["english home"]).text
    assert 'lang="fr"' in Client().get(urls["home"]).text


def test_an_early_hit_checks_the_host_like_the_whole_way(urls):
    Client().get(urls["article"])
    response = Client().get(urls["article"], HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Requête invalide" in response.text


def test_an_early_hit_leaves_a_readers_csrf_cookie_alone_and_the_form_parts_use_it(urls):
    Client().get(urls["article"])
    reader = Client()
    reader.cookies["csrftoken"] = secret = "A" * 32
    page = reader.get(urls["article"])
    assert early(page) and not page.cookies
    token = fetch_parts(reader, page.text)["csrfmiddlewaretoken"]
    assert len(token) == 64 and _unmask_cipher_token(token) == secret

    stranger = Client()
    stranger.cookies["csrftoken"] = "not a valid secret"
    page = stranger.get(urls["article"])
    assert early(page) and not page.cookies
    parts = stranger.get(parts_url(page.text))
    new_secret = parts.cookies["csrftoken"].value
    assert re.fullmatch(r"[A-Za-z0-9]{32}", new_secret)
    assert _unmask_cipher_token(parts.json()["csrf_token"]) == new_secret


def test_a_reader_posts_from_an_early_hit_with_csrf_checks_on(urls, settings):
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 0
    settings.COMMENTS_CAPTCHA_PROVIDER = "builtin"
    Client().get(urls["article"])
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(urls["article"])
    assert early(page)
    response = reader.post(
        form_action(page.text),
        {
            **fetch_parts(reader, page.text),
            "name": "Afi",
            "comment": "Lu depuis une page en cache.",
            "website": "",
            "altcha": solve_altcha(reader),
        },
    )
    assert response.status_code == 302
    assert Comment.objects.get().name == "Afi"


def test_an_early_hit_is_still_counted_as_a_read(urls, site):
    Client().get(urls["article"], HTTP_USER_AGENT="Mozilla/5.0")
    readership.flush_reads()
    page = Client().get(urls["article"], HTTP_USER_AGENT="Mozilla/5.0")
    assert early(page)
    assert sum(readership.pending_reads().values()) == 1
    robot = Client().get(urls["article"], HTTP_USER_AGENT="Googlebot/2.1")
    assert early(robot)
    assert sum(readership.pending_reads().values()) == 1


def test_a_change_is_seen_by_an_early_hit_at_once(urls, site):
    Client().get(urls["article"])
    assert early(Client().get(urls["article"]))
    article = site["article"]
    article.title = "Un titre corrigé"
    article.save()
    response = Client().get(urls["article"])
    assert response["X-Page-Cache"] == "miss" and not early(response)
    assert "Un titre corrigé" in response.text


def test_logged_in_readers_and_posts_never_get_an_early_hit(urls, admin_user):
    Client().get(urls["article"])
    editor = Client()
    editor.force_login(admin_user)
    response = editor.get(urls["article"])
    assert response["X-Page-Cache"] == "bypass" and not early(response)
    assert Client().head(urls["article"])["X-Page-Cache"] == "hit"


def test_a_logged_in_readers_page_reuses_the_article_until_something_changes(
    urls, site, admin_user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    editor = Client()
    editor.force_login(admin_user)
    editor.get(urls["article"])
    with CaptureQueriesContext(connection) as queries:
        page = editor.get(urls["article"])
    assert page["X-Page-Cache"] == "bypass"
    touched = " ".join(query["sql"] for query in queries.captured_queries)
    for table in ("articles_article", "taggit_tag", "articles_author", "articles_adslot"):
        assert f'FROM "{table}"' not in touched, table

    article = site["article"]
    article.title = "Titre revu par l’éditeur"
    article.save()
    article.tags.add("Sahel")
    page = editor.get(urls["article"])
    assert "Titre revu par l’éditeur" in page.text
    assert "/tag/sahel/" in page.text


def test_the_shared_comment_form_body_still_posts_to_each_own_article(site, admin_user):
    from comments.scoring import form_age

    first, second = site["article"], site["neighbour"]
    editor = Client()
    editor.force_login(admin_user)  # rendered each time; the form's body from its fragment
    for article in (first, second, first):
        html = editor.get(article.get_absolute_url()).text
        assert form_action(html).endswith(f"/{article.slug}/commenter/")
        assert 'name="rendered_at" value=""' in html
        stamp = fetch_parts(editor, html)["rendered_at"]
        assert form_age(stamp, article.pk) is not None
        assert form_age(stamp, (second if article == first else first).pk) is None
        assert html.count('name="rendered_at"') == 1
        assert 'name="csrfmiddlewaretoken" value=""' in html
