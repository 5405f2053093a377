import pytest

from tests.factories import ArticleFactory, ImageFactory

pytestmark = pytest.mark.django_db


def test_article_page_renders(client):
    article = ArticleFactory(hero_image=ImageFactory())
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert article.title in response.text
