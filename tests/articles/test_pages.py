"""What a reader gets from each public page: status, structure, breadcrumbs, queries."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


class Outline(HTMLParser):
    """Collect what the tests look at: headings, links, ids and the <head> tags."""

    def __init__(self):
        super().__init__()
        self.h1 = 0
        self.ids = set()
        self.meta = {}
        self.links = []
        self.title = ""
        self._in_title = False
        self.aria_current = []
        self._current_tag = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.h1 += tag == "h1"
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "meta" and "name" in attrs:
            self.meta[attrs["name"]] = attrs.get("content", "")
        if tag == "link":
            self.links.append(attrs)
        if tag == "title":
            self._in_title = True
        if attrs.get("aria-current") == "page":
            self._current_tag = tag

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._current_tag:
            self.aria_current.append(data.strip())
            self._current_tag = None


def outline(response):
    parser = Outline()
    parser.feed(response.content.decode())
    return parser


def breadcrumb_trail(response):
    nav = re.search(r'<nav aria-label="Fil d’Ariane".*?</nav>', response.text, re.S)
    assert nav, "no breadcrumb navigation"
    return [
        re.sub(r"\s+", " ", t).strip()
        for t in re.findall(r"<li[^>]*>(.*?)</li>", nav.group(0), re.S)
    ]


def strip_tags(html):
    return re.sub(r"<[^>]+>", "", html).strip()


def public_urls(site):
    return [
        "/",
        site["news"].get_absolute_url(),
        site["diplomatie"].get_absolute_url(),
        site["article"].get_absolute_url(),
        "/tag/cedeao/",
        site["author"].get_absolute_url(),
    ]


def test_every_public_page_has_one_h1_skip_link_title_description_canonical(client, site):
    for url in public_urls(site):
        response = client.get(url)
        assert response.status_code == 200, url
        page = outline(response)
        assert page.h1 == 1, url
        assert 'href="#main"' in response.text and "main" in page.ids, url
        assert page.title.strip(), url
        assert page.meta.get("description", "").strip(), url
        canonical = [link["href"] for link in page.links if link.get("rel") == "canonical"]
        assert canonical == [f"http://127.0.0.1:8000{url}"], url


def test_pages_are_in_french_by_default_and_english_under_en(client, site):
    response = client.get(site["article"].get_absolute_url())
    assert '<html lang="fr">' in response.text
    assert "Accueil" in response.text
    english = client.get("/en" + site["article"].get_absolute_url())
    assert english.status_code == 200
    assert '<html lang="en">' in english.text
    assert ">Home<" in english.text


def test_article_page_shows_breadcrumbs_with_current_page(client, site):
    response = client.get(site["article"].get_absolute_url())
    trail = [strip_tags(item) for item in breadcrumb_trail(response)]
    assert trail == [
        "Accueil",
        "News - Infos",
        "Diplomatie",
        "Le sommet de Cotonou s’ouvre sur un accord",
    ]
    assert outline(response).aria_current == ["Le sommet de Cotonou s’ouvre sur un accord"]


def test_article_page_shows_everything_a_reader_expects(client, site):
    article = site["article"]
    response = client.get(article.get_absolute_url())
    html = response.text
    assert "<h1" in html and article.title in html
    assert article.standfirst[:40] in html.replace("&#x27;", "'")
    assert "Awa Diallo" in html
    # French dates: « 12 mars 2025 »
    local = timezone.localtime(article.published_at)
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre"]  # fmt: skip
    assert f"{local.day} {months[local.month - 1]} {local.year}" in html
    # Hero image with WebP srcset, intrinsic size, caption and credit; eager, not lazy.
    hero = re.search(r'<figure class="article-hero">.*?</figure>', html, re.S).group(0)
    assert 'type="image/webp"' in hero and "720w" in hero
    assert 'width="720"' in hero and 'height="' in hero
    assert 'alt="Une salle de conférence"' in hero
    assert 'loading="lazy"' not in hero and 'fetchpriority="high"' in hero
    assert "© Rédaction" in hero
    # Tags link to tag pages; the ad is labelled; related and comments have their place.
    assert 'href="/tag/cedeao/"' in html and 'href="/tag/diplomatie/"' in html
    assert "Publicité" in html and "Annonce dans l’article" in html
    assert 'id="related"' in html and 'id="comments"' in html


def test_related_articles_show_section_label_image_and_date(client, site):
    response = client.get(site["article"].get_absolute_url())
    related = re.search(r'<section id="related".*?</section>', response.text, re.S).group(0)
    assert "Le Bénin signe avec le Niger" in related
    assert ">Bénin</a>" in related
    assert "<time" in related
    assert site["article"].title not in related


def test_home_shows_lead_latest_sections_breaking_and_ad(client, site):
    ArticleFactory(title="Alerte : séisme ressenti à Lomé", is_breaking=True, section=site["benin"])
    html = client.get("/").text
    assert 'class="breaking-strip"' in html and "Alerte : séisme ressenti à Lomé" in html
    assert 'class="lead-story"' in html
    assert "Annonce en accueil" in html and "Publicité" in html
    assert f'aria-labelledby="section-{site["news"].pk}"' in html
    assert f'aria-labelledby="section-{site["afrique"].pk}"' in html


def test_section_page_lists_its_and_its_descendants_articles(client, site):
    response = client.get(site["news"].get_absolute_url())
    assert site["article"].title in response.text
    assert site["neighbour"].title not in response.text
    assert 'href="/rubrique/news-infos/diplomatie/"' in response.text  # subsection link
    trail = [strip_tags(item) for item in breadcrumb_trail(response)]
    assert trail == ["Accueil", "News - Infos"]
    sub = client.get(site["diplomatie"].get_absolute_url())
    assert [strip_tags(i) for i in breadcrumb_trail(sub)] == [
        "Accueil",
        "News - Infos",
        "Diplomatie",
    ]


def test_section_page_is_paginated_newest_first(client, site, settings):
    now = timezone.now()
    for n in range(25):
        ArticleFactory(
            title=f"Dépêche {n:02d}",
            section=site["benin"],
            published_at=now - timedelta(minutes=n + 5),
        )
    first = client.get(site["afrique"].get_absolute_url())
    assert first.text.index("Dépêche 00") < first.text.index("Dépêche 01")
    assert 'rel="next" href="?page=2"' in first.text
    second = client.get(site["afrique"].get_absolute_url() + "?page=2")
    assert second.status_code == 200
    assert "Dépêche 24" in second.text and "Dépêche 00" not in second.text
    assert 'href="http://127.0.0.1:8000/rubrique/afrique/?page=2"' in second.text


def test_tag_and_author_pages_list_their_articles(client, site):
    tag = client.get("/tag/cedeao/")
    assert site["article"].title in tag.text and site["neighbour"].title in tag.text
    author = client.get(site["author"].get_absolute_url())
    assert site["article"].title in author.text and site["neighbour"].title not in author.text


@pytest.mark.parametrize(
    "url",
    [
        "/article/nulle-part/",
        "/rubrique/inconnue/",
        "/rubrique/news-infos/inconnue/",
        "/tag/inconnu/",
        "/auteur/personne/",
        "/rubrique/news-infos/?page=abc",
        "/rubrique/news-infos/?page=99999",
        "/rubrique/news-infos/?page=-1",
        "/tag/cedeao/?page=0",
        "/article/%00/",
    ],
)
def test_bad_addresses_and_parameters_get_a_styled_404(client, site, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page introuvable" in response.text
    assert 'class="site-header"' in response.text


def test_unpublished_and_scheduled_articles_are_404_for_readers(client, site):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None, section=site["benin"])
    review = ArticleFactory(
        status=Article.Status.IN_REVIEW, published_at=None, section=site["benin"]
    )
    scheduled = ArticleFactory(
        section=site["benin"], published_at=timezone.now() + timedelta(days=1)
    )
    for article in (draft, review, scheduled):
        assert client.get(article.get_absolute_url()).status_code == 404
    for url in ("/", site["afrique"].get_absolute_url(), site["benin"].get_absolute_url()):
        html = client.get(url).text
        for article in (draft, review, scheduled):
            assert article.title not in html, url


def test_old_slug_redirects_permanently(client, site):
    article = site["article"]
    old_url = article.get_absolute_url()
    article.slug = "accord-de-cotonou"
    article.save()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == "/article/accord-de-cotonou/"
    assert client.get(response["Location"]).status_code == 200


def test_old_slug_of_an_unpublished_article_is_404(client, site):
    article = site["article"]
    old_url = article.get_absolute_url()
    article.slug = "accord-de-cotonou"
    article.status = Article.Status.DRAFT
    article.save()
    assert client.get(old_url).status_code == 404


def test_server_error_page_is_static_and_styled(client, site):
    from newsportal.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Une erreur est survenue" in html and "Traceback" not in html
    assert "/static/css/site.css" in html


def test_health_check(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


# Query budgets: constant in the number of tags, related articles, subsections.


def count_queries(client, url):
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def grow_site(site, n):
    """Add n subsections, n tags on the article and n related articles."""
    article = site["article"]
    for i in range(n):
        sub = SectionFactory(parent=site["news"], slug=f"sous-rubrique-{i}")
        other = ArticleFactory(section=sub, tags=[f"mot-{i}", "CEDEAO"])
        article.related_articles.add(other)
        article.tags.add(f"mot-{i}")


@pytest.mark.parametrize(
    ("name", "budget"),
    # home and a top-level section: one query more for the editors' choices
    # (articles.discovery.frontpage); lists one for the sidebar's ads (home and article
    # pages read them with their own placement's, in the same query).
    [("home", 7), ("section", 5), ("article", 8), ("tag", 5), ("author", 5)],
)
def test_query_count_is_bounded_and_does_not_grow(client, site, name, budget):
    urls = {
        "home": "/",
        "section": site["news"].get_absolute_url(),
        "article": site["article"].get_absolute_url(),
        "tag": "/tag/cedeao/",
        "author": site["author"].get_absolute_url(),
    }
    small = count_queries(client, urls[name])
    grow_site(site, 12)
    large = count_queries(client, urls[name])
    assert small == large, f"{name}: {small} queries with a small site, {large} with a larger one"
    assert large <= budget, f"{name}: {large} queries, budget {budget}"


@pytest.mark.parametrize(
    ("count", "label"), [(0, "0 commentaire"), (1, "1 commentaire"), (2, "2 commentaires")]
)
def test_french_plurals_on_the_article_page(client, site, count, label):
    from tests.factories import CommentFactory

    CommentFactory.create_batch(count, article=site["article"])
    html = client.get(site["article"].get_absolute_url()).text
    assert re.search(rf"\b{label}\b(?!s)", html), label
