"""A section prints its full name (« News - Infos › Diplomatie ») without a query: the
name is stored beside the path and follows renames and moves of any ancestor."""

import importlib

import pytest
from django.apps import apps

from articles.models import Section
from tests.factories import SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    news = SectionFactory(name="News - Infos", slug="news-infos")
    diplomatie = SectionFactory(name="Diplomatie", slug="diplomatie", parent=news)
    onu = SectionFactory(name="ONU", slug="onu", parent=diplomatie)
    return news, diplomatie, onu


def test_a_section_prints_its_full_name_without_a_query(tree, django_assert_num_queries):
    onu, news = Section.objects.get(slug="onu"), Section.objects.get(slug="news-infos")
    with django_assert_num_queries(0):
        assert str(onu) == "News - Infos › Diplomatie › ONU"
        assert str(news) == "News - Infos"


def test_renaming_an_ancestor_renames_the_subtree(tree):
    news, _diplomatie, onu = tree
    news.name = "Actualités"
    news.save()
    onu.refresh_from_db()
    assert str(onu) == "Actualités › Diplomatie › ONU"
    assert onu.path == "news-infos/diplomatie/onu"  # the slug was kept: same address


def test_moving_a_section_renames_the_subtree(tree):
    _news, diplomatie, onu = tree
    monde = SectionFactory(name="Monde", slug="monde")
    diplomatie.parent = monde
    diplomatie.save()
    onu.refresh_from_db()
    assert str(onu) == "Monde › Diplomatie › ONU"


def test_the_migration_fills_the_sections_already_there(tree):
    Section.objects.update(full_name="")
    migration = importlib.import_module("articles.migrations.0011_section_full_name")
    migration.fill_full_names(apps, None)
    assert sorted(Section.objects.values_list("full_name", flat=True)) == [
        "News - Infos",
        "News - Infos › Diplomatie",
        "News - Infos › Diplomatie › ONU",
    ]
