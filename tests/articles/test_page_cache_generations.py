"""How many page-cache generations a write starts (newsportal.pagecache.content_changed):
two per transaction however many rows it writes, yet never a stale page.

Transactional tests: the transactions commit, as in production.
"""

import pytest
from django.db import transaction
from django.test import Client

from articles.models import Article
from newsportal import pagecache
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def starts(monkeypatch):
    """The generations started while the test runs (one entry per start)."""
    started = []
    real = pagecache.start_generation

    def start_generation(*args, **kwargs):
        started.append(kwargs.get("known", False))
        return real(*args, **kwargs)

    monkeypatch.setattr(pagecache, "start_generation", start_generation)
    return started


@pytest.fixture
def article(db):
    return ArticleFactory(title="Le fleuve en crue", section=SectionFactory(), tags=[])


def cached(url):
    """The page as an anonymous reader gets it; the first read stores it."""
    return Client().get(url).text


def test_many_changes_in_one_transaction_start_two_generations(article, starts):
    url = article.get_absolute_url()
    cached(url)
    starts.clear()
    with transaction.atomic():
        for number in range(10):
            article.title = f"Le fleuve en crue, point {number}"
            article.save()
            article.tags.add(f"crue {number}")
        assert starts == [False]  # at the first change, for the writer's own connection
    # Then on commit, with the next scheduled change known.
    assert starts == [False, True]
    assert "Le fleuve en crue, point 9" in cached(url)
    assert pagecache.cache.get(pagecache.GENERATION_KEY)["schedule_known"]


def test_a_page_read_inside_the_transaction_is_not_kept_after_a_further_change(article, starts):
    url = article.get_absolute_url()
    with transaction.atomic():
        article.title = "Première correction"
        article.save()
        # The writer's own connection reads its change (and the page is stored)...
        assert "Première correction" in cached(url)
        article.title = "Seconde correction"
        article.save()
        # ...so the further change starts a generation again: the page is not stale.
        assert "Seconde correction" in cached(url)
    assert "Seconde correction" in cached(url)
    assert len(starts) == 3


def test_after_a_rollback_the_next_change_starts_anew(article, starts):
    url = article.get_absolute_url()
    cached(url)
    with pytest.raises(RuntimeError), transaction.atomic():
        article.title = "Jamais publié"
        article.save()
        raise RuntimeError
    starts.clear()
    with transaction.atomic():
        Article.objects.get(pk=article.pk).save()
        assert starts == [False]
    assert starts == [False, True]
    assert "Le fleuve en crue" in cached(url)


def test_a_change_outside_a_transaction_starts_one_generation(article, starts):
    url = article.get_absolute_url()
    cached(url)
    starts.clear()
    article.title = "Le fleuve rentre dans son lit"
    article.save()
    assert starts == [True]
    assert "Le fleuve rentre dans son lit" in cached(url)
