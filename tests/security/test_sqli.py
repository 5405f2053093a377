"""SQL injection: hostile values in every query parameter, path and form field of the
public site never cause a server error and never change what a page lists."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from comments.models import Comment

from .conftest import comment_post
from .inert import inspect
from .sitedata import build_site

pytestmark = pytest.mark.django_db

HARMLESS = "zzz"
HOSTILE = [
    "' OR '1'='1",
    "' OR '1'='1' --",
    '" OR ""="',
    "1 OR 1=1",
    "1) OR (1=1",
    "1' AND '1'='2",
    "1; DROP TABLE articles_article; --",
    "'; DELETE FROM comments_comment; --",
    "' UNION SELECT username, password FROM auth_user --",
    "1 UNION ALL SELECT NULL,NULL,NULL--",
    "1' ORDER BY 99--",
    "admin'--",
    "' AND pg_sleep(0)--",
    "1 AND (SELECT 1 FROM pg_sleep(0))",
    "%",
    "%%",
    "_",
    "\\",
    "'",
    '"',
    ";",
    "--",
    "/*",
    "\x00",
    "%00",
    "1e309",
    "-1",
    "0",
    "99999999999999999999999",
    "1.5",
    "' || (SELECT version()) || '",
    "$$; SELECT 1; $$",
    '{"$gt": ""}',
    "x" * 5000,
]
PARAMETERS = ["page", "commentaires", "rubrique", "section", "period", "sort", "date", "avant"]


@pytest.fixture
def site():
    return build_site()


def public_pages(site):
    article = site["articles"][1]
    return [
        reverse("articles:home"),
        site["sections"][0].get_absolute_url(),
        site["sections"][1].get_absolute_url(),
        reverse("articles:tag", args=["cedeao"]),
        site["author"].get_absolute_url(),
        article.get_absolute_url(),
        "/en" + article.get_absolute_url(),
    ]


def listing(response):
    """What the page shows: the links to articles and comments, in order, each once (not
    the link to this page's light or full variant, which names the address as it was
    asked)."""
    page = inspect(response.content.decode())
    # Each address once: a search result links its thumbnail and its title to the article.
    return list(
        dict.fromkeys(
            href
            for href in page.links
            if ("/article/" in href or "commentaires" in href)
            and not href.startswith(("/leger/", "/complet/"))
        )
    )


def test_hostile_query_parameters_never_err_and_change_nothing(client, site):
    # Every parameter carries the hostile value at once: one request per value and page.
    for url in public_pages(site):
        reference = client.get(url, dict.fromkeys(PARAMETERS, HARMLESS))
        assert reference.status_code in (200, 404), url
        expected = listing(reference)
        for value in HOSTILE:
            # A comment page past the last one leads to the last (a 302 to the same
            # article): followed, it must show what the harmless values show.
            response = client.get(url, dict.fromkeys(PARAMETERS, value), follow=True)
            assert all(
                urlsplit(hop).path == urlsplit(url).path for hop, _ in response.redirect_chain
            )
            assert response.status_code == reference.status_code, (url, value)
            assert listing(response) == expected, (url, value)


def test_hostile_search_filters_change_nothing(client, site):
    # A real query, and hostile values in every filter: the same results as harmless ones.
    search = reverse("articles:search")
    reference = client.get(search, {"q": "sommet", **dict.fromkeys(PARAMETERS, HARMLESS)})
    expected = listing(reference)
    assert len(expected) >= 10
    for value in HOSTILE:
        response = client.get(search, {"q": "sommet", **dict.fromkeys(PARAMETERS, value)})
        assert response.status_code == 200, value
        assert listing(response) == expected, value


def test_hostile_search_queries_never_err_and_never_leak(client, site):
    search = reverse("articles:search")
    for value in HOSTILE + [f"secret {value}" for value in HOSTILE]:
        response = client.get(search, {"q": value})
        assert response.status_code == 200, value
        assert "Brouillon secret" not in response.content.decode(), value
        # A tautology is words to search for, not a condition: it never lists everything.
        assert len(listing(response)) < 12, value


def test_hostile_paths_are_404(client, site):
    for value in HOSTILE:
        for prefix in ("/article/", "/rubrique/", "/tag/", "/auteur/", "/rubrique/news-infos/"):
            response = client.get(prefix + value.replace("/", "%2F") + "/")
            assert response.status_code == 404, (prefix, value, response.status_code)


def test_hostile_comment_fields_never_err_and_are_stored_as_text(client, site, settings):
    settings.COMMENTS_RATE_LIMIT = 10_000
    article = site["articles"][1]
    action = reverse("comments:post", args=[article.slug])
    before = Comment.objects.count()
    for value in HOSTILE:
        # The form's own fields, then (with a valid form) what the captcha reads.
        for fields in (
            {"name": value, "comment": value, "website": value},
            {
                "rendered_at": value,
                "altcha": value,
                "question_token": value,
                "question_answer": value,
            },
        ):
            response = client.post(action, comment_post(article, **fields))
            assert response.status_code in (302, 400), (fields, response.status_code)
    # No captcha was solved: nothing published, no table touched, every row still there.
    assert Comment.objects.count() == before
    assert Comment.objects.filter(status=Comment.Status.APPROVED).count() == 9


def test_hostile_values_in_the_comment_text_are_stored_verbatim(client, site, settings):
    from .conftest import solve_altcha

    settings.COMMENTS_CAPTCHA_PROVIDER = "builtin"
    settings.COMMENTS_ALTCHA_COST = 10
    settings.COMMENTS_ALTCHA_MIN_COUNTER = 1
    settings.COMMENTS_ALTCHA_MAX_COUNTER = 30
    article = site["articles"][2]
    text = "\n".join(value for value in HOSTILE if "\x00" not in value and len(value) < 100)
    response = client.post(
        reverse("comments:post", args=[article.slug]),
        comment_post(article, name="' OR '1'='1", comment=text, altcha=solve_altcha(client)),
    )
    assert response.status_code == 302
    comment = Comment.objects.get(name="' OR '1'='1")
    assert comment.body == text


def test_login_form_resists_injection(client, site, admin_user):
    for value in HOSTILE:
        response = client.post(reverse("admin:login"), {"username": value, "password": value})
        assert response.status_code in (200, 429)
        assert "_auth_user_id" not in client.session
