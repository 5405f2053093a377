"""Sitemaps, the Google News sitemap and robots.txt, as a crawler reads them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.discovery.sitemaps import ArticleSitemap
from tests.factories import ArticleFactory

from .pages import parse_xml

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
SITE = "http://127.0.0.1:8000"


def locations(client, url, **headers):
    root = parse_xml(client.get(url, **headers))
    return [loc.text for loc in root.iter(f"{SM}loc")]


def all_sitemap_urls(client):
    urls = []
    for sitemap in locations(client, "/sitemap.xml"):
        urls += locations(client, sitemap.removeprefix(SITE))
    return urls


def test_index_lists_sections_articles_tags_and_authors(client, article):
    index = parse_xml(client.get("/sitemap.xml"))
    assert index.tag == f"{SM}sitemapindex"
    assert [loc.text for loc in index.iter(f"{SM}loc")] == [
        f"{SITE}/sitemap-sections.xml",
        f"{SITE}/sitemap-articles.xml",
        f"{SITE}/sitemap-tags.xml",
        f"{SITE}/sitemap-authors.xml",
        f"{SITE}/sitemap-pages.xml",
    ]


def test_sitemaps_list_every_public_page_once(client, article, sections):
    urls = all_sitemap_urls(client)
    author = article.authors.get()
    expected = {
        f"{SITE}/rubrique/afrique/",
        f"{SITE}/rubrique/afrique/benin/",
        f"{SITE}/rubrique/monde/",
        f"{SITE}{article.get_absolute_url()}",
        f"{SITE}/tag/politique/",
        f"{SITE}/tag/elections/",
        f"{SITE}{author.get_absolute_url()}",
    }
    assert set(urls) == expected
    assert len(urls) == len(expected)


def test_article_entries_have_their_last_modification(client, article):
    root = parse_xml(client.get("/sitemap-articles.xml"))
    [entry] = root.findall(f"{SM}url")
    changed = timezone.localtime(max(article.updated_at, article.published_at))
    assert entry.findtext(f"{SM}lastmod")[:10] == changed.date().isoformat()


def test_no_draft_or_scheduled_article_in_any_sitemap(client, article, hidden_articles):
    for hidden in hidden_articles:
        hidden.tags.add("Secret")
    urls = all_sitemap_urls(client) + locations(client, "/sitemap-news.xml")
    for hidden in hidden_articles:
        assert not any(hidden.slug in url for url in urls)
    assert f"{SITE}/tag/secret/" not in urls  # its only articles are not public


def test_article_sitemap_is_paged(client, sections, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    for _ in range(5):
        ArticleFactory(section=sections["monde"])
    index = locations(client, "/sitemap.xml")
    assert f"{SITE}/sitemap-articles.xml?p=3" in index
    assert len(locations(client, "/sitemap-articles.xml?p=3")) == 1
    assert client.get("/sitemap-articles.xml?p=9").status_code == 404
    assert client.get("/sitemap-articles.xml?p=abc").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_news_sitemap_has_the_last_48_hours_in_google_news_format(client, sections):
    now = timezone.now()
    fresh = ArticleFactory(title="Fraîche & nouvelle", section=sections["benin"])
    ArticleFactory(
        title="Trop ancienne", section=sections["benin"], published_at=now - timedelta(hours=49)
    )
    root = parse_xml(client.get("/sitemap-news.xml"))
    [entry] = root.findall(f"{SM}url")
    assert entry.findtext(f"{SM}loc") == f"{SITE}{fresh.get_absolute_url()}"
    news = entry.find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Newsportal"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "fr"
    assert news.findtext(f"{NEWS}title") == "Fraîche & nouvelle"
    published = news.findtext(f"{NEWS}publication_date")
    assert published == timezone.localtime(fresh.published_at).strftime("%Y-%m-%dT%H:%M:%S%:z")


def test_sitemaps_give_french_addresses_to_an_english_crawler(client, article):
    urls = locations(client, "/sitemap-articles.xml", HTTP_ACCEPT_LANGUAGE="en")
    assert urls == [f"{SITE}{article.get_absolute_url()}"]
    assert "/en/" not in urls[0]


def test_robots_txt_points_to_both_sitemaps(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert f"Sitemap: {SITE}/sitemap-news.xml" in lines
    assert "Disallow: /recherche/?" in lines and "Disallow: /en/recherche/?" in lines
    assert "Disallow: /recherche/" not in lines  # the search form itself may be crawled
    assert "Disallow: /admin/" in lines
    assert "User-agent: *" in lines


def test_sitemap_query_counts(client, sections, django_assert_max_num_queries):
    for n in range(10):
        ArticleFactory(section=sections["benin"], tags=[f"t{n}"])
    # Section tree; sections: latest dates, twice; articles: latest date, count; tags and
    # authors: count; pages: the latest correction.
    with django_assert_max_num_queries(8):
        client.get("/sitemap.xml")
    with django_assert_max_num_queries(2):  # count, page
        client.get("/sitemap-articles.xml")
    with django_assert_max_num_queries(2):  # section tree, latest dates
        client.get("/sitemap-sections.xml")


def test_robots_txt_keeps_crawlers_out_of_light_search_results_too(client):
    """The light and full addresses of search results (`/leger/recherche/?q=…`) are as
    endless as the plain ones; the light search form itself may be crawled."""
    lines = client.get("/robots.txt").content.decode().splitlines()
    for prefix in ("/leger", "/complet"):
        assert f"Disallow: {prefix}/recherche/?" in lines
        assert f"Disallow: {prefix}/en/recherche/?" in lines
        assert f"Disallow: {prefix}/recherche/" not in lines
