"""Related articles: the editor's picks first, then filled up automatically.

One query: the manual picks, then published articles sharing a tag, then the same
section, each group newest first; never the article itself, never an unpublished one.

The ranking only looks at a bounded set of candidates (every pick, the newest
2 × limit articles sharing a tag, the newest 2 × limit of the section), each found
through an index, so the query costs the same in a section of a hundred articles or of
a hundred thousand. Twice the limit is enough for the result to be the same as ranking
everything: a group is only needed when the groups above it have fewer than `limit`
articles, and then those can take at most that many of its candidates' places.
"""

from django.conf import settings
from django.db import connection
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from taggit.models import TaggedItem

from .models import Article


def related_articles(article, tag_ids, limit=None):
    limit = limit or settings.RELATED_ARTICLES_COUNT
    picked = Article.related_articles.through.objects.filter(
        from_article_id=article.pk, to_article_id=OuterRef("pk")
    )
    shares_tag = TaggedItem.objects.filter(
        content_type__app_label="articles",
        content_type__model="article",
        object_id=OuterRef("pk"),
        tag_id__in=list(tag_ids),
    )
    others = Article.objects.published().exclude(pk=article.pk).order_by("-published_at", "-pk")
    newest_sharing_tag = others.filter(Exists(shares_tag)).values("pk")[: 2 * limit]
    newest_of_section = others.filter(category_id=article.category_id).values("pk")[: 2 * limit]
    picks = Article.related_articles.through.objects.filter(from_article_id=article.pk)
    picks = picks.values("to_article_id")
    if connection.features.supports_slicing_ordering_in_compound:
        # PostgreSQL: one UNION ALL of the three index scans (an OR of IN-subqueries
        # would make it read every article to test them).
        candidates = Q(pk__in=picks.union(newest_sharing_tag, newest_of_section, all=True))
    else:
        # SQLite allows no LIMIT inside a UNION; its planner handles the OR well.
        candidates = Q(pk__in=picks) | Q(pk__in=newest_sharing_tag) | Q(pk__in=newest_of_section)
    return list(
        Article.objects.published()
        .for_listing()
        .exclude(pk=article.pk)
        .filter(candidates)
        .alias(picked=Exists(picked), shares_tag=Exists(shares_tag))
        .alias(
            rank=Case(
                When(picked=True, then=Value(0)),
                When(shares_tag=True, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "-published_at", "-pk")[:limit]
    )
