"""Tags typed by an editor: a name too long for taggit's column is a form error on the
tags field (never a database error), names are cleaned by the input policy."""

import pytest
from taggit.models import Tag

from articles.models import Article
from tests.factories import ArticleFactory
from tests.newsroom.conftest import article_form_data

pytestmark = pytest.mark.django_db

TOO_LONG = "Un mot-clé compte au plus 100 caractères"


@pytest.mark.parametrize(
    "tags",
    [
        "a" * 101,
        "Sahel, " + "é" * 101,
        '"' + "Conseil de sécurité, " * 6 + '", Sahel',
        "🏆" * 101,
    ],
)
def test_a_tag_too_long_is_a_form_error_on_the_article(admin_client, tags):
    article = ArticleFactory(title="Sommet à Abuja")
    response = admin_client.post(
        f"/admin/articles/article/{article.pk}/change/", article_form_data(article, tags=tags)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert TOO_LONG in " ".join(errors["tags"]), errors
    assert tags.replace('"', "&quot;")[:50] in response.content.decode()  # text kept
    assert not Tag.objects.exists()


def test_a_tag_of_100_characters_is_saved_cleaned(admin_client):
    article = ArticleFactory(title="Sommet à Abuja")
    response = admin_client.post(
        f"/admin/articles/article/{article.pk}/change/",
        article_form_data(article, tags="c" * 100 + ", Sahel \t central"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    names = sorted(Article.objects.get(pk=article.pk).tags.values_list("name", flat=True))
    assert names == ["Sahel central", "c" * 100]
