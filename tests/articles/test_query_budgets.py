"""Query budgets of every public page, cold caches, with lazy loading forbidden.

The budgets of issue 6: article ≤ 8, home ≤ 10, every other public page ≤ 8, and the
count does not move when an article gains comments (and replies), tags, related articles or its
section gains subsections. Lazy loading raises here (FETCH_RAISE), so a template line
that reads a field its query did not load fails with the field's name instead of
adding a query per card.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import FETCH_RAISE
from django.test.utils import CaptureQueriesContext

from articles.discovery.readership import flush_reads
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory, SectionFactory

pytestmark = pytest.mark.django_db

BUDGETS = {
    "home": 10,
    "article": 8,
    "section": 8,
    "subsection": 8,
    "tag": 8,
    "author": 8,
    "search": 8,
}


@pytest.fixture(autouse=True)
def no_lazy_loading(monkeypatch):
    monkeypatch.setattr("articles.models.LISTING_FETCH_MODE", FETCH_RAISE)
    monkeypatch.setattr("django.db.models.query.DEFAULT_FETCH_MODE", FETCH_RAISE)


def urls(site):
    return {
        "home": "/",
        "article": site["article"].get_absolute_url(),
        "section": site["news"].get_absolute_url(),
        "subsection": site["diplomatie"].get_absolute_url(),
        "tag": "/tag/cedeao/",
        "author": site["author"].get_absolute_url(),
        "search": "/recherche/?q=cedeao",
    }


def cold_count(client, url):
    cache.clear()
    # Read counts are written after a response once READ_COUNT_FLUSH_SECONDS have gone
    # by (articles/discovery/readership.py): flushed now, so that no request measured here does it.
    flush_reads()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    # Rendered, not served from the page cache (search results are never stored there).
    assert response.get("X-Page-Cache", "miss") == "miss", url
    return len(queries)


def grow(site, n):
    """n more of everything a page could loop over."""
    article = site["article"]
    for i in range(n):
        sub = SectionFactory(parent=site["news"], slug=f"sous-rubrique-{i}")
        other = ArticleFactory(
            section=sub, tags=[f"mot-{i}", "CEDEAO"], authors=[site["author"], AuthorFactory()]
        )
        article.related_articles.add(other)
        article.tags.add(f"mot-{i}")
        article.authors.add(AuthorFactory())
        for top in CommentFactory.create_batch(3, article=article):
            CommentFactory.create_batch(2, article=article, parent=top, reply_to=top)


@pytest.mark.parametrize("name", BUDGETS)
def test_every_public_page_stays_within_its_budget_however_big(client, site, name):
    url = urls(site)[name]
    small = cold_count(client, url)
    grow(site, 15)
    large = cold_count(client, url)
    assert large == small, f"{name}: {small} queries on a small site, {large} on a bigger one"
    assert large <= BUDGETS[name], f"{name}: {large} queries, budget {BUDGETS[name]}"


def test_a_template_line_that_lazy_loads_fails_loudly(site):
    from django.core.exceptions import FieldFetchBlocked

    from articles.models import Article

    card = Article.objects.published().for_listing().first()
    with pytest.raises(FieldFetchBlocked):
        card.body  # noqa: B018  (deferred by for_listing: a card never shows it)
