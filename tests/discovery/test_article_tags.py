"""taggit keeps every model's tags in one table: only the articles' rows are an article's
tags, on every page, feed, sitemap, search and « Read also » list that reads them."""

import pytest
from django.contrib.contenttypes.models import ContentType
from taggit.models import Tag, TaggedItem

from articles.models import Author
from tests.discovery.pages import read_page
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def tag_another_model(object_id, name):
    """A tag row of another model of the same app (an author) whose id is `object_id`."""
    tag, _created = Tag.objects.get_or_create(name=name)
    TaggedItem.objects.create(
        tag=tag, content_type=ContentType.objects.get_for_model(Author), object_id=object_id
    )
    return tag


@pytest.fixture
def stories():
    politique = SectionFactory(name="Politique", slug="politique")
    sport = SectionFactory(name="Sport", slug="sport")
    article = ArticleFactory(
        title="Le Parlement vote le budget", section=politique, tags=["Budget"]
    )
    # Shares the tag for real: in « Read also », the control that the list reads tags.
    tagged = ArticleFactory(title="Les finances du club", section=sport, tags=["Budget"])
    # Shares it only through another model's row with the same id.
    untagged = ArticleFactory(title="Finale de la coupe", section=sport)
    tag_another_model(untagged.pk, "Budget")
    tag_another_model(article.pk, "Intrus")
    return article, tagged, untagged


def test_the_article_page_shows_its_own_tags_only(client, stories):
    article, tagged, untagged = stories
    text = client.get(article.get_absolute_url()).text
    assert 'href="/tag/budget/"' in text
    assert "Intrus" not in text
    assert tagged.title in text
    assert untagged.title not in text
    keywords = read_page(client.get(article.get_absolute_url())).json_ld[0]["keywords"]
    assert "Intrus" not in keywords


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_feeds_list_the_articles_own_tags_only(client, stories, fmt):
    text = client.get(f"/flux/{fmt}/").text
    assert "Budget" in text
    assert "Intrus" not in text


def test_the_tag_sitemap_lists_tags_of_articles_only(client, stories):
    text = client.get("/sitemap-tags.xml").text
    assert "/tag/budget/" in text
    assert "/tag/intrus/" not in text


def test_search_does_not_match_another_models_tag(client, stories):
    link = f'href="{stories[0].get_absolute_url()}"'
    assert link in client.get("/recherche/", {"q": "budget"}).text
    assert link not in client.get("/recherche/", {"q": "intrus"}).text
