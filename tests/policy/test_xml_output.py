"""Feeds and sitemaps stay valid XML, even for rows stored before the input policy
(written here with `update()`, which skips it, as an old database would have them)."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from taggit.models import Tag

from articles.models import Article, Author, Correction, Image, Section
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory

pytestmark = pytest.mark.django_db

# What XML 1.0 cannot carry; NUL only where the database can store it (not PostgreSQL).
BAD = [
    "\x0b",
    "\x0c",
    "\x08",
    "\x1b[31m",
    "\ufffe",
    "\uffff",
    "\x01\x02\x03",
    # C1 controls, DEL, private use (both planes), noncharacters of the BMP and beyond.
    "\x7f\x85\x9b",
    "\ue000\U000f0000",
    "\ufdd0\U0001fffe",
]
if connection.vendor != "postgresql":
    BAD.append("\x00")

NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
FEEDS = [
    "/flux/{fmt}/",
    "/flux/rubrique/afrique/{fmt}/",
    "/flux/rubrique/afrique/benin/{fmt}/",
    "/flux/tag/cedeao/{fmt}/",
    "/flux/auteur/awa-diallo/{fmt}/",
]
SITEMAPS = [
    "/sitemap.xml",
    "/sitemap-news.xml",
    "/sitemap-sections.xml",
    "/sitemap-articles.xml",
    "/sitemap-tags.xml",
    "/sitemap-authors.xml",
    "/sitemap-pages.xml",
]


@pytest.fixture
def stored_before_the_policy(request):
    bad = request.param
    afrique = SectionFactory(name="Afrique", slug="afrique")
    benin = SectionFactory(name="Bénin", slug="benin", parent=afrique)
    author = AuthorFactory(name="Awa Diallo", slug="awa-diallo")
    image = ImageFactory()
    article = ArticleFactory(section=benin, tags=["CEDEAO"], authors=[author], hero_image=image)
    Article.objects.filter(pk=article.pk).update(
        title=f"Titre{bad}collé",
        standfirst=f"Un chapô{bad}venu d’un traitement de texte",
        body=f"<p>Un corps{bad}collé</p>",
    )
    Image.objects.filter(pk=image.pk).update(
        alt_text=f"Texte{bad}alternatif", caption=f"Légende{bad}", credit=f"Crédit{bad}"
    )
    Section.objects.filter(pk=benin.pk).update(name=f"Bé{bad}nin")
    Author.objects.filter(pk=author.pk).update(name=f"Awa{bad}Diallo")
    Tag.objects.filter(slug="cedeao").update(name=f"CEDEAO{bad}")
    correction = Correction.objects.create(article=article, text="Une erreur.")
    Correction.objects.filter(pk=correction.pk).update(text=f"Une erreur{bad}corrigée")
    return bad


def parse(response, url=""):
    assert response.status_code == 200, (url, response.status_code)
    return ET.fromstring(response.content)  # noqa: S314  (our own output)


@pytest.mark.parametrize("stored_before_the_policy", BAD, indirect=True)
def test_every_feed_parses(client, stored_before_the_policy):
    for feed in FEEDS:
        for language in ("", "/en"):
            for fmt in ("rss", "atom"):
                url = language + feed.format(fmt=fmt)
                text = ET.tostring(parse(client.get(url), url), encoding="unicode")
                # The item is there, without the characters at fault.
                assert ">Titre" in text, url
                assert "venu d’un traitement de texte" in text, url


@pytest.mark.parametrize("stored_before_the_policy", BAD, indirect=True)
def test_the_corrections_feed_parses(client, stored_before_the_policy):
    for language in ("", "/en"):
        for fmt in ("rss", "atom"):
            url = f"{language}/flux/corrections/{fmt}/"
            text = ET.tostring(parse(client.get(url), url), encoding="unicode")
            assert "Titre" in text and "collé" in text, url
            assert "Une erreur" in text and "corrigée" in text, url


@pytest.mark.parametrize("stored_before_the_policy", BAD, indirect=True)
def test_every_sitemap_parses(client, stored_before_the_policy):
    for sitemap in SITEMAPS:
        assert len(parse(client.get(sitemap), sitemap)) >= 1, sitemap


@pytest.mark.parametrize("stored_before_the_policy", ["\x0b", "\ue000"], indirect=True)
def test_the_news_sitemap_keeps_the_title_readable(client, stored_before_the_policy):
    root = parse(client.get("/sitemap-news.xml"))
    titles = [element.text for element in root.iter(f"{NEWS}title")]
    assert titles == [{"\x0b": "Titre collé", "\ue000": "Titrecollé"}[stored_before_the_policy]]
