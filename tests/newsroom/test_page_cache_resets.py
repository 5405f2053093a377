"""A save in the admin starts at most two page-cache generations: one when the first
change is made (the writer's own connection sees it at once) and one when the
transaction commits (the one that counts for every other reader). Each generation
start makes every stored page of every worker stale, and is published to the other
processes (newsportal.pagecache.invalidation).

These tests commit for real (transactional tests), so the reset on commit is counted
as it happens in production.
"""

import pytest
from django.test import Client
from django.urls import reverse, reverse_lazy

from articles.models import Article
from newsportal import pagecache
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory

from .conftest import article_form_data

pytestmark = pytest.mark.django_db(transaction=True)

ADD = reverse_lazy("admin:articles_article_add")
CHANGELIST = reverse_lazy("admin:articles_article_changelist")
RESETS_PER_SAVE = 2


def home_as_cached():
    """The home page as an anonymous reader gets it, once it is in the page cache."""
    reader = Client()
    reader.get("/")
    response = reader.get("/")
    assert response["X-Page-Cache"] == "hit"
    return response.text


@pytest.fixture
def resets(monkeypatch):
    """The generations started (a list, one entry per start) while the test runs."""
    started = []
    real = pagecache.start_generation

    def start_generation(*args, **kwargs):
        started.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(pagecache, "start_generation", start_generation)
    return started


@pytest.fixture
def story_parts(section):
    return {
        "authors": [AuthorFactory(name="Awa Diallo"), AuthorFactory(name="Koffi Mensah")],
        "related": [ArticleFactory(section=section), ArticleFactory(section=section)],
        "image": ImageFactory(alt_text="L’hémicycle pendant le vote", credit="AFP"),
    }


def new_story(section, story_parts, **overrides):
    article = Article(
        title="Le budget adopté",
        standfirst="L’Assemblée a voté le budget dans la nuit.",
        body="<p>Les députés ont adopté le texte.</p>",
        section=section,
        hero_image=story_parts["image"],
        status=Article.Status.PUBLISHED,
    )
    return article_form_data(
        article,
        slug="",
        tags="Budget 2026, Assemblée nationale",
        authors=[author.pk for author in story_parts["authors"]],
        related_articles=[related.pk for related in story_parts["related"]],
        **overrides,
    )


def test_adding_an_article_with_new_tags_authors_and_links_starts_two_generations(
    client, editor, section, story_parts, resets
):
    assert "Le budget adopté" not in home_as_cached()
    client.force_login(editor)
    resets.clear()
    response = client.post(ADD, new_story(section, story_parts))
    assert response.status_code == 302
    article = Article.objects.get(title="Le budget adopté")
    assert sorted(tag.name for tag in article.tags.all()) == ["Assemblée nationale", "Budget 2026"]
    assert article.authors.count() == 2
    assert article.related_articles.count() == 2
    assert 1 <= len(resets) <= RESETS_PER_SAVE
    assert "Le budget adopté" in home_as_cached()


def test_changing_an_article_starts_two_generations(client, editor, section, story_parts, resets):
    client.force_login(editor)
    client.post(ADD, new_story(section, story_parts))
    article = Article.objects.get(title="Le budget adopté")
    assert "Le budget adopté" in home_as_cached()
    resets.clear()
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form_data(article, title="Le budget amendé", tags="Budget 2026, Sénat"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert sorted(tag.name for tag in article.tags.all()) == ["Budget 2026", "Sénat"]
    assert 1 <= len(resets) <= RESETS_PER_SAVE
    assert "Le budget amendé" in home_as_cached()


def test_publishing_several_articles_at_once_starts_two_generations(
    client, editor, section, journalist, resets
):
    drafts = [
        ArticleFactory(
            title=f"Dépêche numéro {number}",
            section=section,
            status=Article.Status.DRAFT,
            published_at=None,
            owner=journalist,
            hero_image=ImageFactory(alt_text="Une salle de conférence", credit="AFP"),
        )
        for number in range(4)
    ]
    assert "Dépêche numéro" not in home_as_cached()
    client.force_login(editor)
    resets.clear()
    response = client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [d.pk for d in drafts]}
    )
    assert response.status_code == 302
    assert Article.objects.published().filter(pk__in=[d.pk for d in drafts]).count() == 4
    assert 1 <= len(resets) <= RESETS_PER_SAVE
    home = home_as_cached()
    assert all(f"Dépêche numéro {number}" in home for number in range(4))
