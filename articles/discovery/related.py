"""Related articles: the editor's picks first, then filled up automatically.

One query: the manual picks, then published articles sharing a tag, then the same
section, each group newest first; never the article itself, never an unpublished one.

The ranking only looks at a bounded set of candidates (every pick, the newest
2 × limit articles sharing a tag, the newest 2 × limit of the section), each found
through an index, so the query costs the same in a section of a hundred articles or of
a hundred thousand. Twice the limit is enough for the result to be the same as ranking
everything: a group is only needed when the groups above it have fewer than `limit`
articles, and then those can take at most that many of its candidates' places.

The candidates and the rank are written in SQL (RawSQL) inside an ORM query, which
still loads the cards (for_listing: section, photo, deferred body). Built with the ORM
(three subqueries in a UNION, two Exists, a Case), the query cost more Python to put
together on every cold article page than PostgreSQL took to run it (the figures:
docs/benchmarks.md, "Figures behind choices in the code"); the same SQL as text costs
next to nothing to build. The SQL is plain enough for
SQLite and PostgreSQL alike (LIMIT sits in subqueries of the UNION, which both allow).

Which articles readers may see is not written here: the candidates' condition is
`articles.models.live_q`, compiled by the ORM once per database (`visible_sql`).
"""

from datetime import UTC, datetime
from functools import cache

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query
from django.utils import timezone
from taggit.models import TaggedItem

from articles.content.tagging import ARTICLE_CONTENT_TYPE
from articles.models import Article, live_q

# Stands for the time in the compiled condition, replaced by the real one on each call.
_AT = datetime(2000, 1, 1, tzinfo=UTC)


@cache
def _compiled_visible(vendor, alias):
    query = Query(Article, alias_cols=True)
    where = query.build_where(live_q(_AT)).relabeled_clone({Article._meta.db_table: alias})
    sql, params = query.get_compiler(connection=connection).compile(where)
    return sql, tuple(params)


def visible_sql(alias, at):
    """`live_q(at)` as SQL on the article table under `alias`: (sql, params).

    The ORM compiles the condition once per database vendor (that costs more than the
    rest of this module's SQL); each call only puts `at` (an aware datetime) in place
    of the stand-in time.
    """
    sql, params = _compiled_visible(connection.vendor, alias)
    stand_in = connection.ops.adapt_datetimefield_value(_AT)
    at = connection.ops.adapt_datetimefield_value(at)
    return sql, [at if param == stand_in else param for param in params]


def _tables():
    quote = connection.ops.quote_name
    return {
        "article": quote(Article._meta.db_table),
        "picks": quote(Article.related_articles.through._meta.db_table),
        "tagged": quote(TaggedItem._meta.db_table),
    }


def related_articles(article, tag_ids, limit=None):
    limit = limit or settings.RELATED_ARTICLES_COUNT
    tag_ids = sorted({int(pk) for pk in tag_ids})
    tables = _tables()
    visible, visible_params = visible_sql("a", timezone.now())
    newest = "ORDER BY a.published_at DESC, a.id DESC LIMIT %s"
    visible = f"{visible} AND a.id <> %s"
    tags_in = ", ".join(["%s"] * len(tag_ids))
    shares_tag = (
        f"EXISTS (SELECT 1 FROM {tables['tagged']} t WHERE t.object_id = {{row}} "
        f"AND t.content_type_id = {ARTICLE_CONTENT_TYPE} AND t.tag_id IN ({tags_in}))"
    )

    members = [
        f"SELECT p.to_article_id AS id FROM {tables['picks']} p WHERE p.from_article_id = %s"
    ]
    params = [article.pk]
    if tag_ids:
        members.append(
            f"SELECT id FROM (SELECT a.id FROM {tables['article']} a WHERE {visible} "
            f"AND {shares_tag.format(row='a.id')} {newest}) tagged"
        )
        params += [*visible_params, article.pk, *tag_ids, 2 * limit]
    members.append(
        f"SELECT id FROM (SELECT a.id FROM {tables['article']} a WHERE {visible} "
        f"AND a.section_id = %s {newest}) section"
    )
    params += [*visible_params, article.pk, article.section_id, 2 * limit]
    candidates = RawSQL(" UNION ALL ".join(members), params)

    row = f"{tables['article']}.id"
    rank_sql = (
        f"CASE WHEN EXISTS (SELECT 1 FROM {tables['picks']} r "
        f"WHERE r.from_article_id = %s AND r.to_article_id = {row}) THEN 0"
    )
    rank_params = [article.pk]
    if tag_ids:
        rank_sql += f" WHEN {shares_tag.format(row=row)} THEN 1"
        rank_params += tag_ids
    rank_sql += " ELSE 2 END"

    return list(
        Article.objects.published()
        .for_listing()
        .exclude(pk=article.pk)
        .filter(pk__in=candidates)
        .alias(rank=RawSQL(rank_sql, rank_params))
        .order_by(F("rank").asc(), "-published_at", "-pk")[:limit]
    )
