"""An upgrade meets the shared cache the release before filled: objects pickled by it
(classes that moved, models that were renamed) never break a page."""

import sys
import types

import pytest
from django.core.cache import cache

from articles.discovery import readership, sections
from newsportal import cachedobjects
from newsportal.pagecache import start_generation
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def pickled_by_a_gone_release(key):
    """Cache an object whose class lives in a module that then disappears, as a module
    of the release before does after an upgrade."""
    module = types.ModuleType("articles_before_upgrade")

    class SectionTree:
        pass

    SectionTree.__module__ = module.__name__
    SectionTree.__qualname__ = "SectionTree"
    module.SectionTree = SectionTree
    sys.modules[module.__name__] = module
    try:
        cache.set(key, SectionTree(), 3600)
    finally:
        del sys.modules[module.__name__]


@pytest.mark.parametrize("key", [sections.CACHE_KEY, readership.MOST_READ_CACHE_KEY])
def test_pages_answer_when_the_cache_holds_objects_of_the_release_before(client, key):
    section = SectionFactory(name="Diplomatie", slug="diplomatie")
    article = ArticleFactory(title="Le sommet s'ouvre", section=section)
    pickled_by_a_gone_release(key)
    with pytest.raises(ImportError):
        cache.get(key)  # what every page met before
    start_generation()  # a restart, as gunicorn's when_ready does

    for path in ("/", section.get_absolute_url(), article.get_absolute_url()):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Diplomatie" in response.text

    assert cache.get(key) is not None  # computed again and kept


def test_read_gives_none_and_forgets_an_entry_it_cannot_load():
    pickled_by_a_gone_release("some:object")
    assert cachedobjects.read("some:object") is None
    assert cache.get("some:object") is None
    cache.set("some:object", {"fine": 1})
    assert cachedobjects.read("some:object") == {"fine": 1}
