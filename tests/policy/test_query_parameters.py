"""NUL, control characters and bytes that are not UTF-8 in any query parameter, admin
included, give a page (an empty result at worst), never a 500. PostgreSQL is where NUL
used to fail: it refuses it in any query."""

import html
import re
from urllib.parse import parse_qsl, quote

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, AuthorFactory, CommentFactory, SectionFactory

pytestmark = pytest.mark.django_db

# Raw, as a browser or a robot would send them after `?name=`.
HOSTILE = [
    "%00",
    "%00%00abc%00",
    "%C3",  # a UTF-8 sequence cut short
    "%FF%FE",
    "%ED%A0%80",  # an encoded surrogate
    "%E9lection",  # Latin-1 « é »
    "%0B%0C%1B%5B31m",
    "%EE%80%80%EF%BF%BE",  # private use, a noncharacter
    "a%00%0A%09b",
]

PUBLIC = [
    "/?page={v}",
    "/recherche/?q={v}",
    "/recherche/?q=election&section={v}&period={v}&sort={v}&page={v}",
    "/en/recherche/?q={v}",
    "/rubrique/afrique/?page={v}",
    "/rubrique/afrique/?apres={v}",
    "/tag/cedeao/?page={v}",
    "/auteur/awa-diallo/?page={v}",
    "/article/un-article/?commentaires={v}",
    "/flux/rss/?{v}={v}",
    "/sitemap.xml?p={v}",
    "/sitemap-articles.xml?p={v}",
]

ADMIN = [
    "/admin/articles/article/?q={v}",
    "/admin/articles/article/?status__exact={v}",
    "/admin/articles/article/?section__id__exact={v}",
    "/admin/articles/article/?q={v}&o={v}&p={v}",
    "/admin/articles/section/?q={v}",
    "/admin/articles/author/?q={v}",
    "/admin/articles/image/?q={v}",
    "/admin/taggit/tag/?q={v}",
    "/admin/comments/comment/?q={v}",
    "/admin/comments/comment/?status__exact={v}",
    "/admin/autocomplete/?app_label=articles&model_name=article&field_name=related_articles&term={v}",
    "/admin/autocomplete/?app_label=articles&model_name=article&field_name=authors&term={v}",
    "/admin/autocomplete/?app_label={v}&model_name={v}&field_name={v}&term={v}",
]


@pytest.fixture
def content():
    afrique = SectionFactory(name="Afrique", slug="afrique")
    author = AuthorFactory(name="Awa Diallo", slug="awa-diallo")
    article = ArticleFactory(
        title="Un article", slug="un-article", section=afrique, tags=["CEDEAO"], authors=[author]
    )
    CommentFactory(article=article)
    return article


@pytest.mark.parametrize("value", HOSTILE)
def test_public_pages_answer_hostile_parameters_without_an_error(client, content, value):
    for template in PUBLIC:
        url = template.format(v=value)
        response = client.get(url)
        assert response.status_code in {200, 301, 302, 404}, (url, response.status_code)


@pytest.mark.parametrize("value", HOSTILE)
def test_search_with_hostile_words_is_a_page_of_results_or_none(client, content, value):
    response = client.get(f"/recherche/?q={value}")
    assert response.status_code == 200
    assert "\x00" not in response.content.decode()


def test_search_finds_the_words_around_a_nul(client, content):
    response = client.get("/recherche/?q=%00article%00")
    assert response.status_code == 200
    assert [a.title for a in response.context["articles"]] == ["Un article"]


@pytest.mark.parametrize("value", HOSTILE)
def test_admin_lists_filters_and_autocomplete_answer_hostile_parameters(
    admin_client, content, value
):
    for template in ADMIN:
        url = template.format(v=value)
        response = admin_client.get(url)
        assert response.status_code in {200, 302, 400, 403, 404}, (url, response.status_code)


@pytest.mark.parametrize(
    "url",
    [
        "/rubrique/%00/",
        "/rubrique/afrique/%00/",
        "/flux/rubrique/%00/rss/",
        "/article/%00/",
        "/en/rubrique/a%0Bb/",
        "/admin/articles/article/%00/change/",
    ],
)
def test_a_control_character_in_the_path_is_a_styled_404(admin_client, content, url):
    response = admin_client.get(url)
    assert response.status_code == 404
    assert "Page introuvable" in response.text or "Page not found" in response.text


# The admin's add form takes initial values from the query string (`?section=3`):
# a value that is no row's key, nor a date, must give the empty field, not a 500.
PREFILLED_ADD_FORMS = [
    "/admin/articles/article/add/?section={v}",
    "/admin/articles/article/add/?hero_image={v}&owner={v}",
    "/admin/articles/article/add/?authors={v}&related_articles=1,{v}",
    "/admin/articles/article/add/?published_at={v}",
    "/admin/articles/adslot/add/?image={v}&starts_at={v}&ends_at={v}",
    "/admin/articles/author/add/?user={v}",
]


@pytest.mark.parametrize("template", PREFILLED_ADD_FORMS)
@pytest.mark.parametrize("value", [*HOSTILE, "x", "99999999999999999999999", "-1"])
def test_admin_add_forms_ignore_initial_values_that_are_not_one(
    admin_client, content, template, value
):
    response = admin_client.get(template.format(v=value))
    assert response.status_code == 200


def test_admin_add_forms_keep_initial_values_that_are_one(admin_client, content):
    section = content.section
    response = admin_client.get(
        f"/admin/articles/article/add/?section={section.pk}&title=Brouillon"
        "&published_at=2026-01-02%2010:30:00"
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.initial["section"] == section.pk
    assert form.initial["title"] == "Brouillon"
    assert f'<option value="{section.pk}" selected>' in response.text
    assert 'value="02/01/2026"' in response.text or 'value="2026-01-02"' in response.text


def _admins():
    from django.contrib import admin

    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.mark.parametrize(
    "model_admin", [ma for _, ma in _admins()], ids=[m._meta.label for m, _ in _admins()]
)
def test_every_admin_list_answers_hostile_values_in_its_own_parameters(
    admin_client, content, model_admin
):
    """Every registered admin, whatever it filters on: the parameters its list links
    to (filters, sorting, pages, date hierarchy), Django's own, and its autocomplete
    fields, each given NUL, a noncharacter, a line separator and a lone surrogate."""
    opts = model_admin.model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    page = admin_client.get(url)
    assert page.status_code == 200
    names = {"q", "o", "p", "all", "e", "_popup", "_to_field", "_facets"}
    for link in re.findall(r'href="\?([^"#]*)"', page.text):
        names |= {name for name, _ in parse_qsl(html.unescape(link), keep_blank_values=True)}
    if model_admin.list_filter:  # the filters' own parameters were found in the page
        assert len(names) > 8, names
    failures = []
    for value in ("%00", "%EF%BF%BF", "%E2%80%A8", "%ED%A0%80"):
        urls = [f"{url}?{quote(name)}={value}" for name in sorted(names)]
        urls += [
            f"/admin/autocomplete/?app_label={opts.app_label}&model_name={opts.model_name}"
            f"&field_name={field}&term={value}&page={value}"
            for field in model_admin.autocomplete_fields
        ]
        for address in urls:
            status = admin_client.get(address).status_code
            if status not in {200, 302, 400, 403, 404}:
                failures.append((address, status))
    assert not failures


@pytest.mark.parametrize("field", ["section", "authors", "hero_image", "owner", "related_articles"])
@pytest.mark.parametrize("value", ["\x00", "x", "\ufffe", "99999999999999999999999", "1,x"])
def test_an_article_form_sent_with_a_choice_that_is_no_row_is_a_form_error(
    admin_client, content, field, value
):
    from tests.newsroom.conftest import article_form_data

    for url in (f"/admin/articles/article/{content.pk}/change/", "/admin/articles/article/add/"):
        response = admin_client.post(url, article_form_data(content, **{field: value}))
        assert response.status_code == 200, url
        assert field in response.context["adminform"].form.errors, url


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/admin/articles/adslot/add/", "image"),
        ("/admin/articles/author/add/", "user"),
        ("/admin/articles/articleslugredirect/add/", "article"),
    ],
)
def test_other_autocomplete_fields_sent_with_no_row_are_a_form_error(admin_client, url, field):
    response = admin_client.post(url, {field: "\x00x", "name": "Nom", "slug": "nom"})
    assert response.status_code in {200, 403}


NEWSROOM_LISTS = [
    "/admin/articles/article/",
    "/admin/articles/section/",
    "/admin/articles/author/",
    "/admin/articles/image/",
    "/admin/articles/adslot/",
    "/admin/taggit/tag/",
    "/admin/comments/comment/",
    "/admin/articles/articleslugredirect/",
]


@pytest.mark.parametrize("url", NEWSROOM_LISTS)
@pytest.mark.parametrize("selected", [["\x00", "1"], ["x"], ["99999999999999999999999"]])
def test_an_action_on_a_forged_selection_changes_nothing(admin_client, content, url, selected):
    from django.contrib import admin

    from articles.models import Article

    model = next(m for m in admin.site._registry if url.endswith(f"/{m._meta.model_name}/"))
    before = model._default_manager.count()
    articles = Article.objects.count()
    response = admin_client.post(
        url, {"action": "delete_selected", "_selected_action": selected, "index": "0"}
    )
    assert response.status_code in {200, 302}
    assert model._default_manager.count() == before
    assert Article.objects.count() == articles


def test_every_admin_refuses_a_forged_selection(admin_client, content):
    """Third parties' admins too (users, groups, django-axes, ...): the project's admin
    site gives every registered admin the same guard (newsportal/admin.py)."""
    from django.contrib import admin

    lists = [
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for model in admin.site._registry
    ]
    assert "/admin/auth/user/" in lists
    assert "/admin/axes/accessattempt/" in lists
    for url in lists:
        model = next(m for m in admin.site._registry if url.endswith(f"/{m._meta.model_name}/"))
        before = model._default_manager.count()
        for selected in (["\x00", "1"], ["x"], ["99999999999999999999999"]):
            response = admin_client.post(
                url, {"action": "delete_selected", "_selected_action": selected, "index": "0"}
            )
            assert response.status_code in {200, 302, 403}, (url, selected)
            assert model._default_manager.count() == before, url
