"""An article's tags and authors, fetched together in one query.

The article page is held to a query budget (see docs/performance.md); tags and authors
are two short lists of (name, slug) that a UNION ALL brings back in one round trip.

The query is SQL text, as in articles/discovery/related.py and for the same reason: built
from two querysets and a union, it cost the ORM more Python on each cold article page
than PostgreSQL took to run it (docs/benchmarks.md). Only table names and placeholders
go into the text; the article's id is a parameter.
"""

from django.db import connection
from taggit.models import Tag, TaggedItem

from articles.content.tagging import ARTICLE_CONTENT_TYPE, article_tag_items
from articles.models import Article, Author


def _sql():
    quote = connection.ops.quote_name
    tag, tagged = quote(Tag._meta.db_table), quote(TaggedItem._meta.db_table)
    author, signed = quote(Author._meta.db_table), quote(Article.authors.through._meta.db_table)
    return (
        f"SELECT 'tag', t.id, t.name, t.slug FROM {tag} t "
        f"JOIN {tagged} i ON i.tag_id = t.id "
        f"WHERE i.object_id = %s AND i.content_type_id = {ARTICLE_CONTENT_TYPE} "
        "UNION ALL "
        f"SELECT 'author', a.id, a.name, a.slug FROM {author} a "
        f"JOIN {signed} b ON b.author_id = a.id WHERE b.article_id = %s"
    )


def tags_and_authors(article):
    """Return (tags, authors) of `article`, tags by name, authors by name."""
    with connection.cursor() as cursor:
        cursor.execute(_sql(), [article.pk, article.pk])
        rows = cursor.fetchall()
    found = {"tag": [], "author": []}
    for label, pk, name, slug in rows:
        model = Tag if label == "tag" else Author
        found[label].append(model(pk=pk, name=name, slug=slug))
    return (
        sorted(found["tag"], key=lambda tag: tag.name.lower()),
        sorted(found["author"], key=lambda author: author.name.lower()),
    )


def published_tags():
    """The tags of at least one article readers see (`Article.objects.published()`), a
    queryset of Tag: the only tags with a page, a feed and a sitemap entry. A tag typed
    on a draft shows nowhere until its article goes live."""
    return Tag.objects.filter(
        pk__in=article_tag_items()
        .filter(object_id__in=Article.objects.published().values("pk"))
        .values("tag_id")
    )


def published_authors():
    """The authors who sign at least one article readers see, a queryset of Author: the
    only authors with a page, a feed and a sitemap entry."""
    return Author.objects.filter(pk__in=Article.objects.published().values("authors"))
