"""The section tree stays a tree whose addresses fit: a section moved under itself or
one of its subsections, or a path (its own or a subsection's) longer than the column,
is refused with a form error in the admin and by save(), never a 500 or a loop."""

import pytest
from django.core.exceptions import ValidationError

from articles.discovery.sections import section_tree
from articles.models import Section
from tests.discovery.pages import read_page
from tests.factories import SectionFactory

pytestmark = pytest.mark.django_db

CYCLE = "ne peut pas être placée sous elle-même"
TOO_LONG = "caractères ; 255 au plus sont possibles"


@pytest.fixture
def tree():
    news = SectionFactory(name="News", slug="news")
    monde = SectionFactory(name="Monde", slug="monde", parent=news)
    afrique = SectionFactory(name="Afrique", slug="afrique", parent=monde)
    return news, monde, afrique


def change(admin_client, section, **fields):
    data = {"name": section.name, "slug": section.slug, "position": 0, "parent": ""}
    data.update(fields)
    return admin_client.post(f"/admin/articles/section/{section.pk}/change/", data)


@pytest.mark.parametrize("where", ["self", "child", "grandchild"])
def test_a_section_cannot_move_under_itself_in_the_admin(admin_client, tree, where):
    news, monde, afrique = tree
    target = {"self": news, "child": monde, "grandchild": afrique}[where]
    response = change(admin_client, news, parent=target.pk)
    assert response.status_code == 200
    assert CYCLE in response.content.decode()
    assert Section.objects.get(pk=news.pk).parent_id is None
    assert Section.objects.get(pk=afrique.pk).path == "news/monde/afrique"


def test_save_refuses_a_loop(tree):
    news, _monde, afrique = tree
    news.parent = afrique
    with pytest.raises(ValidationError):
        news.save()
    assert Section.objects.get(pk=news.pk).path == "news"
    assert Section.objects.get(pk=afrique.pk).path == "news/monde/afrique"


def test_a_section_can_still_move_elsewhere(admin_client, tree):
    _news, monde, _afrique = tree
    other = SectionFactory(name="Sport", slug="sport")
    response = change(admin_client, monde, parent=other.pk)
    assert response.status_code == 302
    assert Section.objects.get(name="Afrique").path == "sport/monde/afrique"


def test_nested_long_names_get_a_form_error(admin_client, client):
    parent = None
    for level in range(3):
        parent = Section.objects.create(name=f"{level}" + "x" * 74, parent=parent)
    response = admin_client.post(
        "/admin/articles/section/add/",
        {"name": "y" * 75, "slug": "", "parent": parent.pk, "position": 0},
    )
    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    assert "y" * 75 in response.content.decode()  # the text typed is kept
    assert Section.objects.count() == 3
    with pytest.raises(ValidationError):
        Section.objects.create(name="y" * 75, parent=parent)
    assert client.get(parent.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("how", ["rename", "move"])
def test_a_parent_change_that_pushes_a_subsection_too_far_is_refused(admin_client, how):
    top = SectionFactory(name="Top", slug="top")
    mid = Section.objects.create(name="m" * 75, parent=top)
    low = Section.objects.create(name="l" * 75, parent=mid)
    deep = Section.objects.create(name="d" * 75, parent=low)
    assert len(deep.path) == 3 + 3 * 76
    if how == "rename":
        response = change(admin_client, top, slug="t" * 40)
    else:
        host = Section.objects.create(name="h" * 40)
        response = change(admin_client, top, parent=host.pk)
    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    assert Section.objects.get(pk=deep.pk).path == deep.path
    assert Section.objects.get(pk=top.pk).path == "top"


def test_breadcrumbs_and_the_admin_name_the_same_ancestors_after_a_move(admin_client, client, tree):
    """The page's breadcrumbs (the cached tree) and the section's name in the admin (the
    database) both read the ancestors from the section's path: they agree after a move."""
    news, monde, afrique = tree
    sport = SectionFactory(name="Sport", slug="sport")
    assert change(admin_client, monde, parent=sport.pk).status_code == 302
    afrique = Section.objects.get(pk=afrique.pk)
    page = read_page(client.get(afrique.get_absolute_url()))
    assert page.breadcrumbs[1:] == ["Sport", "Monde", "Afrique"]
    assert str(afrique) == "Sport › Monde › Afrique"
    assert [s.name for s in section_tree().ancestors(afrique)] == ["Sport", "Monde"]
    assert [s.name for s in afrique.ancestors()] == ["Sport", "Monde"]
    changelist = admin_client.get("/admin/articles/section/").content.decode()
    assert "Sport › Monde › Afrique" in changelist
    assert "News › Monde" not in changelist


@pytest.mark.parametrize("under_a_parent", [False, True], ids=["root", "subsection"])
def test_a_slug_typed_that_a_sibling_has_says_what_to_do_in_french(admin_client, under_a_parent):
    parent = SectionFactory(name="Monde", slug="monde") if under_a_parent else None
    SectionFactory(name="Afrique", slug="afrique", parent=parent)
    data = {"name": "Afrique de l’Ouest", "slug": "afrique", "position": "0", "description": ""}
    data["parent"] = parent.pk if parent else ""

    response = admin_client.post(
        "/admin/articles/section/add/", data, headers={"Accept-Language": "fr"}
    )

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "Une autre rubrique du même niveau a déjà ce slug" in errors
    assert "contrainte" not in errors
    assert Section.objects.filter(slug="afrique").count() == 1
