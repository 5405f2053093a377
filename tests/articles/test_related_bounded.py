"""Related articles rank a bounded set of candidates: same answer as ranking everything."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.discovery.related import related_articles
from articles.models import Article
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def ranked_over_everything(article, tag_ids, limit):
    tags = set(tag_ids)
    picks = set(article.related_articles.values_list("pk", flat=True))

    def rank(other):
        if other.pk in picks:
            return 0
        if tags & {t.pk for t in other.tags.all()}:
            return 1
        return 2 if other.section_id == article.section_id else None

    others = [a for a in Article.objects.published().exclude(pk=article.pk) if rank(a) is not None]
    others.sort(key=lambda a: (rank(a), -a.published_at.timestamp(), -a.pk))
    return [a.pk for a in others[:limit]]


@pytest.mark.parametrize("seed", range(4))
def test_bounded_candidates_give_the_full_ranking(seed):
    rng = random.Random(seed)
    sections = [SectionFactory() for _ in range(3)]
    now = timezone.now()
    articles = [
        ArticleFactory(
            section=rng.choice(sections),
            tags=rng.sample(["a", "b", "c", "d", "e", "f"], rng.randint(0, 2)),
            published_at=now - timedelta(minutes=rng.randint(1, 500)),
            status=rng.choice([Article.Status.PUBLISHED] * 5 + [Article.Status.DRAFT]),
        )
        for _ in range(45)
    ]
    for article in articles[:10]:
        article.related_articles.add(*rng.sample(articles, rng.randint(0, 7)))
        tag_ids = [t.pk for t in article.tags.all()]
        for limit in (3, 6):
            got = [a.pk for a in related_articles(article, tag_ids, limit=limit)]
            assert got == ranked_over_everything(article, tag_ids, limit)
