"""The newsroom's admin pages cost a bounded number of queries, however many articles."""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, AuthorFactory, ImageFactory

pytestmark = pytest.mark.django_db


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
    # The corrections cost one query, however many there are (none without any).
    with django_assert_max_num_queries(8):
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
