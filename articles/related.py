"""Related articles: the editor's picks first, then filled up automatically.

One query: the manual picks, then published articles sharing a tag, then the same
section, each group newest first; never the article itself, never an unpublished one.
"""

from django.conf import settings
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
    return list(
        Article.objects.published()
        .for_listing()
        .exclude(pk=article.pk)
        .alias(picked=Exists(picked), shares_tag=Exists(shares_tag))
        .filter(Q(picked=True) | Q(shares_tag=True) | Q(category_id=article.category_id))
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
