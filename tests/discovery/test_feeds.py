"""RSS and Atom feeds: valid XML, the elements readers and aggregators need, only news."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.utils import timezone

from tests.factories import ArticleFactory, AuthorFactory

from .pages import parse_xml, read_page

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def rss_items(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = parse_xml(response).find("channel")
    for required in ("title", "link", "description", "language"):
        assert channel.findtext(required), required
    return channel, channel.findall("item")


def atom_entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse_xml(response)
    for required in ("title", "id", "updated"):
        assert feed.findtext(f"{ATOM}{required}"), required
    return feed, feed.findall(f"{ATOM}entry")


def test_site_rss_has_what_readers_need(client, article):
    channel, items = rss_items(client, "/flux/rss/")
    assert channel.findtext("title") == "Newsportal"
    [item] = items
    assert item.findtext("title") == article.title
    assert item.findtext("link") == "http://127.0.0.1:8000" + article.get_absolute_url()
    assert item.findtext("description") == article.standfirst  # the full standfirst
    assert parsedate_to_datetime(item.findtext("pubDate")) == article.published_at.replace(
        microsecond=0
    )
    guid = item.find("guid")
    assert guid.get("isPermaLink") == "false" and guid.text.endswith(f"article/{article.pk}")
    assert {c.text for c in item.findall("category")} == {"Bénin", "Politique", "Élections"}
    assert "Aïcha Dossou" in ET.tostring(item, encoding="unicode")
    enclosure = item.find("enclosure")
    largest = article.hero_image.largest
    assert enclosure.get("url") == "http://127.0.0.1:8000" + largest["url_jpeg"]
    assert enclosure.get("type") == "image/jpeg"
    assert int(enclosure.get("length")) > 0


def test_site_atom_has_what_readers_need(client, article):
    feed, entries = atom_entries(client, "/flux/atom/")
    [entry] = entries
    assert entry.findtext(f"{ATOM}title") == article.title
    assert entry.findtext(f"{ATOM}summary") == article.standfirst
    assert (
        entry.find(f"{ATOM}link[@rel='alternate']").get("href").endswith(article.get_absolute_url())
    )
    assert entry.findtext(f"{ATOM}published") and entry.findtext(f"{ATOM}updated")
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Aïcha Dossou"
    assert entry.find(f"{ATOM}link[@rel='enclosure']").get("type") == "image/jpeg"


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_no_draft_or_scheduled_article_in_any_feed(client, article, hidden_articles, fmt):
    tag = "elections"
    author = AuthorFactory(name="Koffi Agbo")
    for hidden in hidden_articles:
        hidden.authors.add(author)
        hidden.tags.add("Élections")
    article.authors.add(author)
    urls = [
        f"/flux/{fmt}/",
        f"/flux/rubrique/afrique/{fmt}/",
        f"/flux/rubrique/afrique/benin/{fmt}/",
        f"/flux/tag/{tag}/{fmt}/",
        f"/flux/auteur/{author.slug}/{fmt}/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert article.title in text, url
        for hidden in hidden_articles:
            assert hidden.title not in text, url


def test_section_feed_includes_subsections_and_nothing_else(client, sections):
    ArticleFactory(title="Au Bénin", section=sections["benin"])
    ArticleFactory(title="En Afrique", section=sections["afrique"])
    ArticleFactory(title="Dans le monde", section=sections["monde"])
    _channel, items = rss_items(client, "/flux/rubrique/afrique/rss/")
    assert sorted(i.findtext("title") for i in items) == ["Au Bénin", "En Afrique"]
    _channel, items = rss_items(client, "/flux/rubrique/afrique/benin/rss/")
    assert [i.findtext("title") for i in items] == ["Au Bénin"]


def test_feed_is_newest_first_and_bounded(client, sections):
    now = timezone.now()
    for n in range(35):
        ArticleFactory(section=sections["monde"], published_at=now - timedelta(hours=n + 1))
    _channel, items = rss_items(client, "/flux/rss/")
    dates = [parsedate_to_datetime(i.findtext("pubDate")) for i in items]
    assert len(items) == 30
    assert dates == sorted(dates, reverse=True)


def test_english_feed_keeps_french_as_the_content_language(client, article):
    channel, items = rss_items(client, "/en/flux/rss/")
    assert channel.findtext("language") == "fr"
    assert channel.findtext("description") == "The latest news from Newsportal."
    assert [i.findtext("title") for i in items] == [article.title]


def test_unknown_feeds_answer_404(client):
    for url in (
        "/flux/rubrique/nulle-part/rss/",
        "/flux/tag/inconnu/atom/",
        "/flux/auteur/personne/rss/",
        "/flux/json/",
    ):
        assert client.get(url).status_code == 404, url


def test_feeds_can_be_cached_by_readers_and_proxies(client, article):
    response = client.get("/flux/rss/")
    assert "max-age=300" in response["Cache-Control"]


def test_pages_announce_their_feeds(client, article, sections):
    home = read_page(client.get("/")).feeds()
    assert {(f["type"], f["href"]) for f in home} == {
        ("application/rss+xml", "/flux/rss/"),
        ("application/atom+xml", "/flux/atom/"),
    }
    section = {f["href"] for f in read_page(client.get("/rubrique/afrique/benin/")).feeds()}
    assert {"/flux/rubrique/afrique/benin/rss/", "/flux/rubrique/afrique/benin/atom/"} <= section
    tag = {f["href"] for f in read_page(client.get("/tag/politique/")).feeds()}
    assert "/flux/tag/politique/rss/" in tag
    author = article.authors.get()
    by_author = {f["href"] for f in read_page(client.get(author.get_absolute_url())).feeds()}
    assert f"/flux/auteur/{author.slug}/atom/" in by_author


def test_feed_query_count_does_not_grow_with_items(client, sections, django_assert_max_num_queries):
    for n in range(10):
        ArticleFactory(section=sections["benin"], tags=[f"tag{n}", "commun"])
    # Section tree, articles, authors, tag names.
    with django_assert_max_num_queries(4):
        assert client.get("/flux/rubrique/afrique/rss/").status_code == 200
