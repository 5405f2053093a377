"""Restoring an old version of an article whose slug another article now holds keeps
the current slug and tells the editor, instead of a database error."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, ArticleSlugRedirect
from tests.factories import ArticleFactory
from tests.newsroom.conftest import article_form_data

pytestmark = pytest.mark.django_db

NOTICE = "L’adresse « pluies » de cette version mène désormais à « Autres pluies »"


@pytest.fixture
def renamed(admin_client):
    article = ArticleFactory(title="Pluies", slug="pluies")
    change = reverse("admin:articles_article_change", args=[article.pk])
    for title, slug in [("Pluies", "pluies"), ("Pluies : le bilan", "pluies-bilan")]:
        response = admin_client.post(change, article_form_data(article, title=title, slug=slug))
        assert response.status_code == 302
        article.refresh_from_db()
    return article


def restore_oldest(admin_client, article):
    oldest = Version.objects.get_for_object(article).last()
    url = reverse("admin:articles_article_revision", args=[article.pk, oldest.pk])
    return admin_client.post(url, follow=True)


@pytest.mark.parametrize("how", ["slug", "old slug"])
def test_restoring_a_slug_another_article_holds_keeps_the_current_one(
    admin_client, client, renamed, how
):
    ArticleSlugRedirect.objects.filter(old_slug="pluies").delete()
    other = ArticleFactory(title="Autres pluies", slug="pluies")
    if how == "old slug":
        other.slug = "autres-pluies"
        other.save()  # "pluies" now redirects to the other article
    response = restore_oldest(admin_client, renamed)
    assert response.status_code == 200
    renamed.refresh_from_db()
    assert renamed.title == "Pluies"
    assert renamed.slug == "pluies-bilan"
    messages = [str(m) for m in response.context["messages"]]
    assert any(NOTICE in m for m in messages), messages
    assert client.get("/article/pluies-bilan/").status_code == 200
    other_page = client.get("/article/pluies/", follow=True)
    assert other_page.status_code == 200
    assert other_page.context["article"] == Article.objects.get(pk=other.pk)


def test_restoring_its_own_old_slug_takes_it_back_before_publication(admin_client, renamed):
    Article.objects.filter(pk=renamed.pk).update(status=Article.Status.DRAFT)
    response = restore_oldest(admin_client, renamed)
    assert response.status_code == 200
    renamed.refresh_from_db()
    assert renamed.slug == "pluies"
    messages = [str(m) for m in response.context["messages"]]
    assert not any("mène désormais" in m for m in messages), messages


def test_restoring_a_published_article_keeps_its_address(admin_client, client, renamed):
    # Readers' links and search engines know the live address: a restore keeps it.
    response = restore_oldest(admin_client, renamed)
    assert response.status_code == 200
    renamed.refresh_from_db()
    assert renamed.title == "Pluies"
    assert renamed.slug == "pluies-bilan"
    messages = [str(m) for m in response.context["messages"]]
    assert any("garde son adresse «\u00a0pluies-bilan\u00a0»" in m for m in messages), messages
    assert client.get("/article/pluies-bilan/").status_code == 200
