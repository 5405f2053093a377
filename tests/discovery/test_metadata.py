"""What every page tells search engines and social networks, and the article's JSON-LD."""

import pytest
from django.urls import reverse
from django.utils.timezone import localtime

from articles.discovery import readership
from tests.factories import ArticleFactory

from .conftest import READER
from .pages import read_page

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


def public_pages(article):
    author = article.authors.get()
    return [
        "/",
        "/rubrique/afrique/",
        "/rubrique/afrique/benin/",
        "/tag/politique/",
        author.get_absolute_url(),
        article.get_absolute_url(),
        "/recherche/?q=vote",
        "/en/",
        f"/en{article.get_absolute_url()}",
    ]


def test_every_page_has_title_description_canonical_social_cards_and_hreflang(client, article):
    for url in public_pages(article):
        page = read_page(client.get(url))
        assert page.title.strip(), url
        assert page.first("description"), url
        path = url.split("?")[0]
        assert page.canonical() == SITE + path, url
        assert page.first("og:title") and page.first("og:description"), url
        assert page.first("og:url") == page.canonical(), url
        assert page.first("og:image").startswith("http"), url
        assert int(page.first("og:image:width")) > 0 and int(page.first("og:image:height")) > 0
        assert page.first("twitter:card") == "summary_large_image", url
        assert page.first("twitter:image") == page.first("og:image"), url
        french = path.removeprefix("/en")
        assert page.alternates() == {
            "fr": SITE + french,
            "en": SITE + "/en" + french,
            "x-default": SITE + french,
        }, url


def test_list_pages_describe_themselves_in_their_social_cards(client, article):
    page = read_page(client.get("/rubrique/afrique/benin/"))
    assert page.first("og:title") == page.title.strip()
    assert page.first("og:description") == page.first("description")
    assert page.first("og:image") == SITE + "/static/img/social-card.png"
    assert page.first("og:locale") == "fr_FR"


def test_article_social_card_uses_the_hero_rendition_and_its_size(client, article):
    page = read_page(client.get(article.get_absolute_url()))
    largest = article.hero_image.largest
    assert page.first("og:type") == "article"
    assert page.first("og:title") == article.title
    assert page.first("og:image") == SITE + largest["url_jpeg"]
    assert page.first("og:image:width") == str(largest["width"])
    assert page.first("og:image:height") == str(largest["height"])
    assert page.first("og:image:alt") == "Des électeurs devant un bureau de vote"
    assert page.first("article:section") == "Bénin"
    assert page.first("article:published_time") == page.json_ld[0]["datePublished"]
    assert page.first("article:modified_time") == page.json_ld[0]["dateModified"]
    assert sorted(page.meta["article:tag"]) == ["Politique", "Élections"]


def test_paginated_lists_keep_the_page_in_canonical_and_alternates(client, sections, settings):
    for _ in range(25):
        ArticleFactory(section=sections["monde"])
    page = read_page(client.get("/rubrique/monde/?page=2"))
    assert page.canonical() == f"{SITE}/rubrique/monde/?page=2"
    assert page.alternates()["en"] == f"{SITE}/en/rubrique/monde/?page=2"


def test_json_ld_news_article_matches_the_page(client, article):
    page = read_page(client.get(article.get_absolute_url()))
    news, breadcrumbs = page.json_ld
    assert news["@context"] == "https://schema.org"
    assert news["@type"] == "NewsArticle"
    assert news["headline"] == page.h1[0].strip() == article.title
    assert news["mainEntityOfPage"]["@id"] == page.canonical()
    assert news["datePublished"] == localtime(article.published_at).isoformat(timespec="seconds")
    assert news["dateModified"] >= news["datePublished"][:19]
    assert news["author"] == [
        {
            "@type": "Person",
            "name": "Aïcha Dossou",
            "url": SITE + article.authors.get().get_absolute_url(),
        }
    ]
    assert news["publisher"]["name"] == "Newsportal"
    logo = news["publisher"]["logo"]
    assert logo["url"] == f"{SITE}/static/img/logo.png"
    assert (logo["width"], logo["height"]) == (600, 60)
    assert news["articleSection"] == "Bénin"
    assert sorted(news["keywords"]) == ["Politique", "Élections"]
    [image] = news["image"]
    assert image["url"] == page.first("og:image")
    assert str(image["width"]) == page.first("og:image:width")


def test_json_ld_breadcrumbs_match_the_visible_breadcrumbs(client, article):
    page = read_page(client.get(article.get_absolute_url()))
    breadcrumbs = page.json_ld[1]
    assert breadcrumbs["@type"] == "BreadcrumbList"
    items = breadcrumbs["itemListElement"]
    assert [item["name"] for item in items] == page.breadcrumbs
    assert page.breadcrumbs[1:] == ["Afrique", "Bénin", article.title]
    assert [item["position"] for item in items] == [1, 2, 3, 4]
    assert [item["item"] for item in items] == [
        f"{SITE}/",
        f"{SITE}/rubrique/afrique/",
        f"{SITE}/rubrique/afrique/benin/",
        SITE + article.get_absolute_url(),
    ]


def test_json_ld_cannot_be_closed_by_the_content(client, sections):
    article = ArticleFactory(
        title="</script><script>alert(1)</script> & <!-- «citation»",
        section=sections["benin"],
    )
    response = client.get(article.get_absolute_url())
    text = response.content.decode()
    assert "<script>alert(1)" not in text
    news = read_page(response).json_ld[0]
    assert news["headline"] == article.title


def test_json_ld_needs_no_csp_nonce_and_breaks_no_policy(client, article):
    response = client.get(article.get_absolute_url())
    assert '<script type="application/ld+json">' in response.content.decode()
    # A data block is not executed: the policy keeps allowing only the site's own scripts.
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_english_pages_point_to_the_english_feed_and_french_content(client, article):
    page = read_page(client.get(f"/en{article.get_absolute_url()}"))
    assert page.first("og:locale") == "en_GB"
    assert page.json_ld[0]["inLanguage"] == "fr"
    assert {f["href"] for f in page.feeds()} >= {"/en/flux/rss/"}


def test_article_page_stays_within_its_query_budget(client, article, django_assert_max_num_queries):
    # Cold caches: the article, tags and authors (one UNION), corrections, section tree,
    # related, ad, most read, comments: the page's budget of 8.
    readership.flush_reads()
    with django_assert_max_num_queries(8):
        response = client.get(article.get_absolute_url(), **READER)
    assert response.status_code == 200


def test_home_page_stays_within_its_query_budget(client, article, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        assert client.get(reverse("articles:home")).status_code == 200


def test_not_found_pages_have_no_language_alternates(client):
    response = client.get("/article/nulle-part/")
    assert response.status_code == 404
    assert 'hreflang="' not in response.content.decode()


def test_json_ld_lists_the_corrections_shown_on_the_page(client, article):
    from articles.models import Correction

    Correction.objects.create(article=article, text="Le montant est de 12 milliards, pas 21.")
    response = client.get(article.get_absolute_url(), **READER)
    (correction,) = read_page(response).json_ld[0]["correction"]
    assert correction["@type"] == "CorrectionComment"
    assert correction["text"] == "Le montant est de 12 milliards, pas 21."
    assert "Le montant est de 12 milliards, pas 21." in response.text
