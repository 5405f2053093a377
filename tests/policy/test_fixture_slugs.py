"""`loaddata` saves raw, around save() and clean(): a slug no address can carry
(« été à Paris », « jean dupont ») is still redone by the slug policy (a pre_save
receiver), for articles, authors, sections (path rebuilt) and tags, so every public
page and sitemap keeps answering."""

import json
from urllib.parse import urlsplit

import pytest
from django.core import serializers
from django.core.management import call_command
from taggit.models import Tag, TaggedItem

from articles.content.slugs import SLUG_SHAPE
from articles.models import Article, Author, Section
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db(transaction=False)

BAD = {
    "articles.article": "été à Paris",
    "articles.author": "jean dupont",
    "articles.section": "Monde entier",
    "taggit.tag": "fixture tag",
}


def dump_with_bad_slugs(tmp_path):
    """Make content, write it as a fixture with unaddressable slugs, then delete it."""
    news = SectionFactory(name="News", slug="news")
    monde = SectionFactory(name="Monde", slug="monde", parent=news)
    author = AuthorFactory(name="Jean Dupont")
    article = ArticleFactory(title="Été à Paris", section=monde, tags=["Canicule"])
    article.authors.add(author)
    objects = [news, monde, author, Tag.objects.get(), article, TaggedItem.objects.get()]
    rows = json.loads(serializers.serialize("json", objects))
    for row in rows:
        if row["model"] in BAD and (row["model"], row["pk"]) != ("articles.section", news.pk):
            row["fields"]["slug"] = BAD[row["model"]]
        if row["model"] == "articles.section" and row["pk"] == monde.pk:
            row["fields"]["path"] = "news/Monde entier"
    fixture = tmp_path / "content.json"
    fixture.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    article.delete()
    Tag.objects.all().delete()
    author.delete()
    monde.delete()
    news.delete()
    return fixture


def test_a_fixture_with_unaddressable_slugs_loads_into_working_pages(client, tmp_path):
    call_command("loaddata", str(dump_with_bad_slugs(tmp_path)), verbosity=0)
    article = Article.objects.get()
    author = Author.objects.get()
    section = Section.objects.get(name="Monde")
    tag = Tag.objects.get()
    assert article.slug == "ete-a-paris"
    assert author.slug == "jean-dupont"
    assert tag.slug == "fixture-tag"
    assert section.slug == "monde-entier"
    assert section.path == "news/monde-entier"
    assert all(SLUG_SHAPE.fullmatch(part) for part in section.path.split("/"))
    pages = [
        "/",
        article.get_absolute_url(),
        author.get_absolute_url(),
        section.get_absolute_url(),
        Section.objects.get(name="News").get_absolute_url(),
        "/tag/fixture-tag/",
        "/flux/rss/",
        "/flux/tag/fixture-tag/rss/",
        "/flux/auteur/jean-dupont/atom/",
        "/flux/rubrique/news/monde-entier/rss/",
        "/recherche/?q=Paris",
        "/sitemap.xml",
        "/sitemap-news.xml",
    ]
    index = client.get("/sitemap.xml").content.decode()
    pages += [urlsplit(loc.split("</loc>")[0]).path for loc in index.split("<loc>")[1:]]
    assert len(pages) > 14
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, (page, response.status_code)


def test_a_fixture_with_good_slugs_keeps_them(tmp_path):
    author = AuthorFactory(name="Awa Diallo", slug="awa_diallo-2")
    rows = serializers.serialize("json", [author])
    author.delete()
    fixture = tmp_path / "author.json"
    fixture.write_text(rows, encoding="utf-8")
    call_command("loaddata", str(fixture), verbosity=0)
    assert Author.objects.get().slug == "awa_diallo-2"
