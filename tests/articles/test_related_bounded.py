"""Related articles: the SQL ranks its bounded candidates exactly as the documented
formula says (articles/discovery/related.py), checked against a Python ranking on
random data."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.content.tagging import article_tag_items
from articles.discovery.related import (
    NEAR_SECTION_BONUS,
    SAME_SECTION_BONUS,
    freshness,
    related_articles,
    tag_weight,
)
from articles.models import Article
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

# SQL and Python compute the same floats in a different order, and a few microseconds apart.
CLOSE = 1e-6


def python_ranking(article, tag_ids, limit):
    """(picks newest first, {candidate pk: score}) computed in Python from the docstring."""
    now = timezone.now()
    tags = set(tag_ids)
    live = list(
        Article.objects.published()
        .exclude(pk=article.pk)
        .select_related("section")
        .prefetch_related("tags")
        .order_by("-published_at", "-pk")
    )
    picked = set(article.related_articles.values_list("pk", flat=True))
    candidates = {a.pk for a in live if a.pk in picked}
    for tag in tags:
        # A tag's candidates: its newest carriers by id (the order they were written).
        carriers = sorted((a.pk for a in live if tag in {t.pk for t in a.tags.all()}), reverse=True)
        candidates |= set(carriers[: 2 * limit])
    neighbours = [a.pk for a in live if a.section_id == article.section_id]
    candidates |= set(neighbours[: 2 * limit])
    articles = Article.objects.count()
    weights = {
        tag: tag_weight(article_tag_items().filter(tag_id=tag).count(), articles) for tag in tags
    }
    own = article.section

    def near(section):
        return (
            section.pk == own.parent_id
            or section.parent_id == own.pk
            or (own.parent_id is not None and section.parent_id == own.parent_id)
        )

    scores = {}
    for other in live:
        if other.pk not in candidates or other.pk in picked:
            continue
        shared = tags & {t.pk for t in other.tags.all()}
        section = (
            SAME_SECTION_BONUS
            if other.section_id == own.pk
            else NEAR_SECTION_BONUS
            if near(other.section)
            else 0
        )
        age = (now - other.published_at).total_seconds() / 86400
        scores[other.pk] = sum(weights[t] for t in shared) + section + freshness(age)
    picks = [a.pk for a in live if a.pk in picked]
    return picks, scores


@pytest.mark.parametrize("seed", range(4))
def test_the_query_ranks_its_candidates_as_the_formula_says(seed):
    rng = random.Random(seed)
    roots = [SectionFactory() for _ in range(2)]
    sections = [*roots, SectionFactory(parent=roots[0]), SectionFactory(parent=roots[0])]
    now = timezone.now()
    articles = [
        ArticleFactory(
            section=rng.choice(sections),
            tags=rng.sample(["a", "b", "c", "d", "e", "f"], rng.randint(0, 3)),
            published_at=now - timedelta(hours=rng.randint(1, 2000)),
            status=rng.choice([Article.Status.PUBLISHED] * 5 + [Article.Status.DRAFT]),
        )
        for _ in range(45)
    ]
    for article in articles[:10]:
        article.related_articles.add(*rng.sample(articles, rng.randint(0, 3)))
        tag_ids = [t.pk for t in article.tags.all()]
        for limit in (3, 6):
            got = [a.pk for a in related_articles(article, tag_ids, limit=limit)]
            picks, scores = python_ranking(article, tag_ids, limit)
            # The picks first, newest first; then the best scores, never anything else.
            assert got[: len(picks)] == picks[:limit]
            rest = got[len(picks) :]
            assert set(rest) <= set(scores)
            ranked = [scores[pk] for pk in rest]
            assert all(a >= b - CLOSE for a, b in zip(ranked, ranked[1:], strict=False))
            if len(got) < limit:
                assert set(rest) == set(scores)
            elif rest:
                assert (
                    max((s for pk, s in scores.items() if pk not in rest), default=0)
                    <= ranked[-1] + CLOSE
                )


def test_a_common_tag_does_not_crowd_out_a_rare_one():
    """Each tag has its own bound: the rare tag's story is found behind many newer ones
    carrying the common tag only (the old query took the newest sharing any tag)."""
    now = timezone.now()
    article = ArticleFactory(tags=["Afrique", "Bénin"])
    rare = ArticleFactory(tags=["Bénin"], published_at=now - timedelta(days=300))
    for hours in range(1, 30):
        ArticleFactory(tags=["Afrique"], published_at=now - timedelta(hours=hours))
    tag_ids = [t.pk for t in article.tags.all()]
    assert related_articles(article, tag_ids, limit=3)[0] == rare
