"""An article's tags and bylines, fetched together in one query.

The article page is held to a query budget (see docs/performance.md); tags and authors
are two short lists of (name, slug) that a UNION ALL brings back in one round trip.
"""

from django.db.models import CharField, Value
from taggit.models import Tag

from .models import Author


def tags_and_authors(article):
    """Return (tags, authors) of `article`, tags by name, authors by name."""
    kind = CharField(max_length=6)
    tags = (
        Tag.objects.filter(
            taggit_taggeditem_items__content_type__app_label="articles",
            taggit_taggeditem_items__content_type__model="article",
            taggit_taggeditem_items__object_id=article.pk,
        )
        .order_by()
        .values_list(Value("tag", output_field=kind), "pk", "name", "slug")
    )
    authors = (
        Author.objects.filter(articles=article)
        .order_by()
        .values_list(Value("author", output_field=kind), "pk", "name", "slug")
    )
    found = {"tag": [], "author": []}
    for label, pk, name, slug in tags.union(authors, all=True):
        model = Tag if label == "tag" else Author
        found[label].append(model(pk=pk, name=name, slug=slug))
    return (
        sorted(found["tag"], key=lambda tag: tag.name.lower()),
        sorted(found["author"], key=lambda author: author.name.lower()),
    )
