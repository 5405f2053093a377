"""The anonymous page cache: hits, identical pages for every reader, invalidation, HTTP
caching headers."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client, RequestFactory
from django.utils import timezone

from articles.models import AdSlot, Article
from comments.models import Comment
from comments.scoring import form_age
from newsportal import pagecache
from newsportal.textinput import clean_text
from tests.factories import AdSlotFactory, ArticleFactory, CommentFactory, UserFactory
from tests.formparts import confirm, fetch_parts, form_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(site):
    article, neighbour = site["article"], site["neighbour"]
    return {
        "home": "/",
        "section": site["news"].get_absolute_url(),
        "subsection": site["diplomatie"].get_absolute_url(),
        "article": article.get_absolute_url(),
        "neighbour": neighbour.get_absolute_url(),
        "tag": "/tag/cedeao/",
        "author": site["author"].get_absolute_url(),
    }


def test_second_anonymous_request_is_a_hit_without_queries(
    client, pages, django_assert_num_queries
):
    for name, url in pages.items():
        assert client.get(url)["X-Page-Cache"] == "miss", name
        with django_assert_num_queries(0):
            response = client.get(url)
        assert response.status_code == 200
        assert response["X-Page-Cache"] == "hit", name


PUBLIC = {
    "feed": "/flux/rss/",
    "atom feed": "/flux/atom/",
    "sitemap index": "/sitemap.xml",
    "news sitemap": "/sitemap-news.xml",
    "section sitemap": "/sitemap-sections.xml",
    "articles sitemap": "/sitemap-articles.xml",
    "section feed": "/flux/rubrique/news-infos/rss/",
    "tag feed": "/flux/tag/cedeao/atom/",
    "author feed": "/flux/auteur/awa-diallo/rss/",
    "tags sitemap": "/sitemap-tags.xml",
    "authors sitemap": "/sitemap-authors.xml",
    "robots.txt": "/robots.txt",
    "English home": "/en/",
    "English section": "/en/rubrique/news-infos/",
    "English tag": "/en/tag/cedeao/",
    "English feed": "/en/flux/atom/",
    "English tag feed": "/en/flux/tag/cedeao/rss/",
}


def test_every_public_page_is_the_same_bytes_for_every_anonymous_reader(pages, settings):
    settings.PAGE_CACHE_SHARED_MAX_AGE = 120
    first, second = Client(), Client()
    # Two readers with cookies of their own (a CSRF cookie, a consent cookie).
    first.cookies["csrftoken"] = "A" * 32
    second.cookies["csrftoken"] = "B" * 32
    second.cookies["consent"] = "oui"
    for name, url in {**pages, **PUBLIC, "english article": "/en" + pages["article"]}.items():
        one, two = first.get(url), second.get(url)
        assert one.status_code == two.status_code == 200, name
        assert one.content == two.content, name
        assert not one.cookies and not two.cookies, name
        assert "\ue000" not in one.text and "\ue001" not in one.text, name
        cache_control = one["Cache-Control"]
        assert "public" in cache_control and "s-maxage=120" in cache_control, name
        assert one["ETag"] == two["ETag"], name
        again = Client().get(url, headers={"If-None-Match": one["ETag"]})
        assert again.status_code == 304 and not again.content, name
        if "html" in one["Content-Type"]:
            assert one["ETag"].startswith('W/"'), name
            assert "nonce" not in one["Content-Security-Policy"], name


@pytest.mark.parametrize(
    "url", ["/article/absent/", "/en/article/absent/", "/tag/absent/", "/sitemap-absent.xml"]
)
def test_an_error_page_is_the_same_for_every_anonymous_reader(url):
    first, second = Client(), Client()
    first.cookies["csrftoken"] = "A" * 32
    second.cookies["csrftoken"] = "B" * 32
    one, two = first.get(url), second.get(url)
    assert one.status_code == two.status_code == 404
    assert one.content == two.content
    assert not one.cookies and not two.cookies
    assert "csrfmiddlewaretoken" not in one.text and "nonce=" not in one.text


def test_the_article_page_with_comments_open_holds_nothing_of_one_reader(pages):
    html = Client().get(pages["article"]).text
    assert 'name="csrfmiddlewaretoken" value=""' in html
    assert 'name="rendered_at" value=""' in html
    for absent in ("question_token", "altcha-widget", "altcha.min.js", "nonce="):
        assert absent not in html, absent
    assert "comments-form.js" in html


@pytest.mark.parametrize(
    "text",
    [
        "\ue000comment-stamp\ue001",
        "\ue000comment-stamp.12\ue001",
        "\ue000csrf\ue001",
        "\ue000csp-nonce\ue001 \ue000comment-question.token\ue001",
        "comment-stamp csrf csp-nonce comment-question",
    ],
)
def test_old_marker_names_in_a_comment_or_a_title_break_nothing(pages, site, text):
    article = site["article"]
    CommentFactory(article=article, body=f"Avant {text} après", name=f"Nom {text}")
    Article.objects.filter(pk=article.pk).update(title=f"Titre {text}")
    pagecache.content_changed()
    first, second = Client(), Client()
    for url in (pages["article"], pages["home"]):
        one, two = first.get(url), second.get(url)
        assert one.status_code == two.status_code == 200, url
        assert one.content == two.content, url
        assert f"Titre {text}" in one.text, url
    article_page = first.get(pages["article"]).text
    # The comment went through the input policy (private-use characters dropped); the
    # title was written past it (a row stored before the policy) and shows as it is.
    body, name = clean_text(f"Avant {text} après"), clean_text(f"Nom {text}", multiline=False)
    assert "\ue000" not in body + name
    assert body in article_page and name in article_page
    # No one's token is printed into the page.
    assert 'name="csrfmiddlewaretoken" value=""' in article_page


def test_a_reader_posts_a_comment_from_a_page_served_from_the_cache(pages, settings):
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 0
    settings.COMMENTS_CAPTCHA_PROVIDER = "builtin"
    Client().get(pages["article"])  # someone else's visit fills the cache
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(pages["article"])
    assert page["X-Page-Cache"] == "hit"
    # Without JavaScript: the form goes without a token, the confirmation step asks.
    step = reader.post(
        form_action(page.text),
        {"name": "Kossi", "comment": "Merci pour ces précisions.", "website": ""},
    )
    assert step.status_code == 200 and not Comment.objects.exists()
    response = confirm(reader, step.text)

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.name == "Kossi"
    assert comment.reasons == [{"code": "question_answered"}]


def test_each_reader_fetches_their_own_form_parts(pages):
    first, second = Client(), Client()
    html = first.get(pages["article"]).text
    assert second.get(pages["article"])["X-Page-Cache"] == "hit"
    one, two = fetch_parts(first, html), fetch_parts(second, html)
    assert one["csrfmiddlewaretoken"] != two["csrfmiddlewaretoken"]
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert one["rendered_at"] != two["rendered_at"]
    site_article = Article.objects.get(slug=pages["article"].split("/")[-2])
    assert 0 <= form_age(two["rendered_at"], site_article.pk) < 5


def test_every_page_is_public_for_a_cdn(client, pages, settings):
    settings.PAGE_CACHE_SHARED_MAX_AGE = 120
    for name in ("home", "section", "tag", "author", "article"):
        response = client.get(pages[name])
        cache_control = response["Cache-Control"]
        assert "public" in cache_control, name
        assert "s-maxage=120" in cache_control and "max-age=0" in cache_control, name
        assert "Cookie" in response["Vary"], name
        assert "Set-Cookie" not in response.headers and not response.cookies, name
        assert response["ETag"].startswith('W/"'), name


def test_a_reader_without_a_csrf_cookie_gets_a_304_too(client, pages):
    etag = client.get(pages["article"])["ETag"]
    stranger = Client()
    assert stranger.get(pages["article"], headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize("name", ["article", "section", "subsection", "home", "tag"])
def test_conditional_get_answers_304(client, pages, name, django_assert_num_queries):
    client.get(pages[name])  # the article page gives a new reader their CSRF cookie
    etag = client.get(pages[name])["ETag"]
    with django_assert_num_queries(0):
        again = client.get(pages[name], headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert again.content == b""
    assert "Content-Security-Policy" not in again


def test_a_changed_page_no_longer_matches_its_old_etag(client, pages, site):
    etag = client.get(pages["section"])["ETag"]
    ArticleFactory(title="Nouvelle dépêche diplomatique", section=site["diplomatie"])
    response = client.get(pages["section"], headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "Nouvelle dépêche diplomatique" in response.text


def test_logged_in_users_and_waiting_messages_bypass_the_cache(client, pages):
    client.get(pages["home"])
    client.force_login(UserFactory())
    response = client.get(pages["home"])
    assert response["X-Page-Cache"] == "bypass"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]

    reader = Client()
    reader.cookies[CookieStorage.cookie_name] = "anything"
    response = reader.get(pages["article"])
    assert response["X-Page-Cache"] == "bypass"
    assert "no-store" in response["Cache-Control"]


def test_a_comment_post_answer_is_never_stored(client, pages, settings):
    settings.COMMENTS_CAPTCHA_PROVIDER = "builtin"
    article_url = pages["article"]
    response = client.post(f"{article_url}commenter/", {"name": "", "comment": ""})
    assert response.status_code == 400
    assert "no-store" in response["Cache-Control"]
    assert client.get(article_url)["X-Page-Cache"] == "miss"


def all_pages_html(client, pages):
    return {name: client.get(url).text for name, url in pages.items()}


def test_a_published_article_shows_at_once_on_every_affected_page(client, pages, site):
    all_pages_html(client, pages)  # everything cached
    scoop = ArticleFactory(
        title="Exclusif : la CEDEAO se réunit à Cotonou",
        section=site["diplomatie"],
        tags=["CEDEAO"],
        authors=[site["author"]],
        status=Article.Status.DRAFT,
        published_at=None,
    )
    html = all_pages_html(client, pages)
    assert not [name for name, page in html.items() if scoop.title in page]

    scoop.status = Article.Status.PUBLISHED
    scoop.save()
    html = all_pages_html(client, pages)
    for name in ("home", "section", "subsection", "tag", "author", "article", "neighbour"):
        assert scoop.title in html[name], name  # lists and related articles

    scoop.title = "Exclusif : la CEDEAO se réunit à Lomé"
    scoop.save()
    html = all_pages_html(client, pages)
    for name in ("home", "section", "subsection", "tag", "author", "article", "neighbour"):
        assert "se réunit à Lomé" in html[name], name
        assert "se réunit à Cotonou" not in html[name], name

    scoop.status = Article.Status.DRAFT
    scoop.save()
    html = all_pages_html(client, pages)
    assert not [name for name, page in html.items() if "se réunit à Lomé" in page]
    assert client.get(scoop.get_absolute_url()).status_code == 404


def test_an_edited_article_shows_at_once_on_its_own_page(client, pages, site):
    client.get(pages["article"])
    article = site["article"]
    article.body = "<p>Un paragraphe ajouté après coup.</p>"
    article.save()
    assert "Un paragraphe ajouté après coup." in client.get(pages["article"]).text


def test_tags_and_related_links_changes_show_at_once(client, pages, site):
    client.get(pages["article"])
    site["article"].tags.add("Sahel")
    assert 'href="/tag/sahel/"' in client.get(pages["article"]).text
    other = ArticleFactory(title="Un choix de la rédaction", section=site["afrique"])
    site["article"].related_articles.add(other)
    assert "Un choix de la rédaction" in client.get(pages["article"]).text


def test_an_approved_comment_shows_at_once_and_renews_only_its_article(
    client, pages, site, django_assert_num_queries
):
    from comments.admin import CommentAdmin

    comment = CommentFactory(
        article=site["article"], body="Un avis tout à fait mesuré.", status="pending"
    )
    html = all_pages_html(client, pages)
    assert comment.body not in html["article"]

    admin = CommentAdmin(Comment, None)
    admin.message_user = lambda *args, **kwargs: None
    request = RequestFactory().post("/admin/comments/comment/")
    request.user = UserFactory()
    admin.approve(request, Comment.objects.all())

    assert comment.body in client.get(pages["article"]).text
    with django_assert_num_queries(0):
        assert client.get(pages["neighbour"])["X-Page-Cache"] == "hit"

    CommentFactory(article=site["article"], body="Un second avis, publié d’office.")
    assert "Un second avis" in client.get(pages["article"]).text


def test_a_changed_ad_slot_shows_at_once(client, pages):
    all_pages_html(client, pages)
    ad = AdSlot.objects.get(placement=AdSlot.Placement.HOME)
    ad.text = "Nouvelle campagne"
    ad.save()
    assert "Nouvelle campagne" in client.get(pages["home"]).text
    AdSlotFactory(placement=AdSlot.Placement.ARTICLE, text="Autre annonce", position=0)
    AdSlot.objects.filter(text="Annonce dans l’article").delete()
    assert "Autre annonce" in client.get(pages["article"]).text


def test_section_changes_show_at_once(client, pages, site):
    client.get(pages["home"])
    site["afrique"].name = "Afrique de l’Ouest"
    site["afrique"].save()
    assert "Afrique de l’Ouest" in client.get(pages["home"]).text


def test_a_scheduled_article_appears_by_itself_at_its_time(
    client, pages, site, django_capture_on_commit_callbacks
):
    at = timezone.now() + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(title="Annoncé pour plus tard", section=site["benin"], published_at=at)
    assert "Annoncé pour plus tard" not in client.get(pages["home"]).text
    assert client.get(pages["home"])["X-Page-Cache"] == "hit"

    with time_machine.travel(at + timedelta(seconds=1)):
        assert "Annoncé pour plus tard" in client.get(pages["home"]).text


def test_breaking_news_leaves_the_strip_by_itself(client, site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(title="Alerte en cours", is_breaking=True, section=site["benin"])
    assert 'class="breaking-strip"' in client.get("/").text
    with time_machine.travel(timezone.now() + timedelta(hours=49)):
        assert 'class="breaking-strip"' not in client.get("/").text


def test_without_a_known_schedule_pages_are_kept_briefly(client, pages):
    client.get(pages["home"])
    entry = pagecache.cache.get(pagecache.page_key_for(pages["home"]))
    assert entry["until"] - time.time() <= pagecache.UNKNOWN_SCHEDULE_SECONDS


def test_pages_stop_at_midnight_because_the_header_shows_the_date(client, pages):
    with time_machine.travel(timezone.localtime().replace(hour=23, minute=59, second=30)):
        pagecache.refresh_generation()
        client.get(pages["home"])
        entry = pagecache.cache.get(pagecache.page_key_for(pages["home"]))
        assert entry["until"] - time.time() <= 31


def test_page_cache_off_gives_the_same_page_and_answers_304(client, pages, settings):
    settings.PAGE_CACHE_SECONDS = 0
    response = client.get(pages["article"])
    assert response["X-Page-Cache"] == "off"
    assert response.content == Client().get(pages["article"]).content
    assert "public" in response["Cache-Control"] and not response.cookies
    again = client.get(pages["section"])
    assert client.get(pages["section"], headers={"If-None-Match": again["ETag"]}).status_code == 304


def test_trusting_generations_for_a_while_saves_the_round_trip(
    client, pages, settings, monkeypatch, site
):
    settings.PAGE_CACHE_CHECK_SECONDS = 5
    client.get(pages["home"])
    client.get(pages["home"])  # the generation is now known to this worker
    calls = []
    real = pagecache.cache.get_many
    monkeypatch.setattr(pagecache.cache, "get_many", lambda keys: calls.append(keys) or real(keys))
    assert client.get(pages["home"])["X-Page-Cache"] == "hit"
    assert calls == []
    # This worker's own change shows at once.
    ArticleFactory(title="Publié par ce processus", section=site["benin"])
    assert "Publié par ce processus" in client.get(pages["home"]).text


def test_without_listening_every_hit_checks_the_shared_generations(
    client, pages, monkeypatch, settings
):
    settings.PAGE_CACHE_LISTEN = False  # as with the local-memory cache
    client.get(pages["home"])
    calls = []
    real = pagecache.cache.get_many
    monkeypatch.setattr(pagecache.cache, "get_many", lambda keys: calls.append(keys) or real(keys))
    assert client.get(pages["home"])["X-Page-Cache"] == "hit"
    assert calls == [[pagecache.GENERATION_KEY]]
