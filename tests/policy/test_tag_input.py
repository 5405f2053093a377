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


INLINE = {
    f"taggit_taggeditem_items-{key}": value
    for key, value in {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MAX_NUM_FORMS": "1000"}.items()
}
DUPLICATE = "Le mot-clé « été caniculaire » porte déjà ce nom."


@pytest.mark.parametrize(
    "name",
    [
        "été  caniculaire",
        "été\u00a0caniculaire",
        " été\tcaniculaire ",
        "ÉTÉ CANICULAIRE",
        "Été Caniculaire",
    ],
)
@pytest.mark.parametrize("slug", ["", "ete-caniculaire", "ete-caniculaire-bis"])
def test_the_tag_admin_refuses_a_name_that_is_another_tag_once_cleaned(admin_client, name, slug):
    Tag.objects.create(name="été caniculaire")
    response = admin_client.post("/admin/taggit/tag/add/", {"name": name, "slug": slug, **INLINE})
    assert response.status_code == 200
    assert DUPLICATE in response.content.decode()
    assert Tag.objects.count() == 1


def test_the_tag_admin_stores_the_cleaned_name_and_may_change_its_own_case(admin_client):
    response = admin_client.post(
        "/admin/taggit/tag/add/", {"name": "canicule\u00a0 estivale", "slug": "", **INLINE}
    )
    assert response.status_code == 302
    tag = Tag.objects.get()
    assert tag.name == "canicule estivale"
    response = admin_client.post(
        f"/admin/taggit/tag/{tag.pk}/change/",
        {"name": "Canicule estivale", "slug": tag.slug, **INLINE},
    )
    assert response.status_code == 302
    assert Tag.objects.get().name == "Canicule estivale"


@pytest.mark.parametrize(
    "invisible", ["\u200b", "\u2060\u200d", "\u0301\u0301", "\U000e0041\U000e007f", "\u3164"]
)
def test_a_tag_that_shows_nothing_is_no_tag(admin_client, invisible):
    article = ArticleFactory(title="Sommet à Abuja")
    response = admin_client.post(
        f"/admin/articles/article/{article.pk}/change/",
        article_form_data(article, tags=f"{invisible}, Sahel"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(Article.objects.get(pk=article.pk).tags.values_list("name", flat=True)) == ["Sahel"]
    article.tags.add(invisible)
    assert list(Tag.objects.values_list("name", flat=True)) == ["Sahel"]
    response = admin_client.post(
        "/admin/taggit/tag/add/", {"name": invisible, "slug": "", **INLINE}
    )
    assert response.status_code == 200
    assert Tag.objects.count() == 1
