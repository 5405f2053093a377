"""The newsroom's admin pages cost a bounded number of queries, however many rows.

Every changelist is counted with 5 rows and again with 30: the count must not move,
and stays within its budget, for each role whose list differs (a journalist's
articles are their own; editors may edit the sections' positions in the list).
The rows are the kind that cost a query each when something loads lazily:
subsections (their full name), articles with bylines, tags and a photo, photos with
their uploader, authors with their account. The comments' queue is counted in
tests/comments/test_queue_queries.py.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from taggit.models import Tag

from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db


def counted(client, url, **params):
    """(queries, response) of one GET with cold caches."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(queries), response


def add_articles(n, owner, section):
    byline = [AuthorFactory(), AuthorFactory()]
    photo = ImageFactory()
    for i in range(n):
        # Each in a subsection of its own: the section column and filter print them.
        sub = SectionFactory(parent=section)
        ArticleFactory(
            section=sub, owner=owner, authors=byline, hero_image=photo, tags=[f"mot {i}"]
        )


def add_sections(n, owner, section):
    parent = section
    for i in range(n):
        # Three levels deep, and more: a full name walked up would cost a query a level.
        parent = SectionFactory(parent=parent if i % 3 else section)


def add_images(n, owner, section):
    # The journalist's own uploads (the photos of others under embargo are not in
    # their list), and public ones of other uploaders.
    for i in range(n):
        if i % 2:
            ImageFactory(uploaded_by=owner)
        else:
            ArticleFactory(section=section, hero_image=ImageFactory(uploaded_by=UserFactory()))


def add_authors(n, owner, section):
    for _ in range(n):
        AuthorFactory(user=UserFactory())


def add_tags(n, owner, section):
    for _ in range(n):
        ArticleFactory(section=section, tags=[f"étiquette {Tag.objects.count()}"])


CHANGELISTS = {
    # name: (URL name, rows maker, budget)
    "articles": ("admin:articles_article_changelist", add_articles, 13),
    "sections": ("admin:articles_section_changelist", add_sections, 7),
    # A journalist's photos: their own and the public ones (one query reads the ids of
    # the photos in live articles' bodies).
    "images": ("admin:articles_image_changelist", add_images, 8),
    "authors": ("admin:articles_author_changelist", add_authors, 7),
    "tags": ("admin:taggit_tag_changelist", add_tags, 7),
}


def rows_shown(response):
    return len(response.context["cl"].result_list)


@pytest.mark.parametrize("who", ["editor", "journalist"])
@pytest.mark.parametrize("name", CHANGELISTS)
def test_changelist_queries_do_not_grow_with_rows(client, request, section, journalist, name, who):
    url_name, add_rows, budget = CHANGELISTS[name]
    url = reverse(url_name)
    client.force_login(request.getfixturevalue(who))
    base = counted(client, url)[1].context["cl"].result_count
    add_rows(5, journalist, section)
    small, response = counted(client, url)
    assert rows_shown(response) == base + 5
    add_rows(25, journalist, section)
    large, response = counted(client, url)
    assert rows_shown(response) == base + 30
    assert large == small, f"{name} ({who}): {small} queries for 5 rows, {large} for 30"
    assert large <= budget, f"{name} ({who}): {large} queries, budget {budget}"


def test_section_picker_queries_do_not_grow_with_sections(client, journalist, section):
    """The article form's section field (autocomplete) prints full names, one query."""
    client.force_login(journalist)
    url = reverse("admin:autocomplete")
    params = {"app_label": "articles", "model_name": "article", "field_name": "section"}
    add_sections(5, journalist, section)
    small, response = counted(client, url, **params)
    assert len(response.json()["results"]) == 6
    add_sections(14, journalist, section)
    large, response = counted(client, url, **params)
    assert len(response.json()["results"]) == 20  # a page of the picker
    assert " › " in response.json()["results"][-1]["text"]
    assert large == small


@pytest.fixture
def many_articles(section, journalist):
    authors = [AuthorFactory() for _ in range(3)]
    image = ImageFactory()
    return [
        ArticleFactory(
            section=section, owner=journalist, authors=authors, hero_image=image, tags=["port"]
        )
        for _ in range(30)
    ]


@pytest.mark.parametrize("who", ["editor", "journalist"])
def test_article_list_queries_do_not_grow_with_articles(
    client, request, many_articles, django_assert_max_num_queries, who
):
    client.force_login(request.getfixturevalue(who))
    with django_assert_max_num_queries(13):
        response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 30


def test_article_change_form_queries_are_bounded(
    client, editor, many_articles, django_assert_max_num_queries
):
    client.force_login(editor)
    # 17, and the edit lock and autosaved draft: read the lock, create it (in a
    # savepoint: three statements), read the draft.
    with django_assert_max_num_queries(22):
        response = client.get(reverse("admin:articles_article_change", args=[many_articles[0].pk]))
    assert response.status_code == 200


def test_article_page_queries_do_not_grow_with_corrections(
    client, many_articles, django_assert_max_num_queries
):
    article = many_articles[0]
    article.corrections.create(text="Une erreur de date.")
    article.corrections.create(text="Une erreur de nom.")
    # The corrections cost one query, however many there are (none without any). Cold
    # caches: one more for the stories under pre-moderation (comments.heat), read once
    # for the whole site and kept in the shared cache.
    with django_assert_max_num_queries(9):
        response = client.get(article.get_absolute_url())
    assert "Une erreur de nom." in response.text


def test_an_article_without_corrections_makes_no_query_for_them(client, many_articles):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    article = many_articles[1]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    # (The article's own query asks whether there are any, in a subquery.)
    assert not [q for q in queries.captured_queries if q["sql"].startswith('SELECT "articles_cor')]
    assert 'id="corrections-title"' not in response.text
