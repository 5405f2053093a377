"""Related articles (« À lire aussi »): the editor's picks first, then the best matches.

The ranking
-----------
1. The editor's picks (`Article.related_articles`), newest first, before anything else.
2. Then the other candidates by score, highest first (equal scores: newest first):

       score = Σ weight(tag) over the tags it shares with the article
               + SAME_SECTION_BONUS (2.0) in the article's own section,
                 or NEAR_SECTION_BONUS (1.0) in its parent, one of its subsections
                 or a sibling (« News - Infos › Diplomatie » for « … › Politique »;
                 top-level sections are no siblings of one another)
               + FRESHNESS_BONUS (1.0) × 0.5 ** (age in days / RELATED_ARTICLES_HALF_LIFE_DAYS)

   A tag weighs its inverse document frequency (IDF), the standard weight of
   information retrieval, in its smoothed form (+1 on both counts, so that no count is
   ever 0):

       weight(tag) = ln((1 + n) / (1 + df))

   n articles on the site, df of them carrying the tag. A tag on every article weighs 0:
   it tells nothing (« Actualité »). IDF rather than 1/df: 1/df falls so fast that a tag
   on 2 articles (0.5) outweighs five shared tags on 20 articles each (5 × 0.05), and its
   scale moves with the site's size, so no fixed section bonus could sit beside it. With
   the logarithm the bonuses have a plain meaning: the same section (2.0) is worth a tag
   carried by one article in e² ≈ 7.4; a rarer tag counts for more than the section, a
   more common one for less (a site of 1,000 articles: « Bénin » on 10 weighs 4.5,
   « Afrique » on 400 weighs 0.9). Freshness (at most 1.0) orders stories that match
   about as well, newest first.

   The counts stop at RARITY_WINDOW (1,000) each: n is at most 1,000, and so is df. On a
   site of up to 1,000 articles the weights are exact; on a bigger one a tag carried by
   1,000 articles or more weighs 0 (« same broad topic », which the section says
   better) and a rarer one ln(1,001 / (1 + df)). Counting further would cost
   the page more on a bigger site for no change in what the reader sees: a tag carried
   by a thousand articles is a weak match whatever the exact figure. The counts include
   drafts and scheduled articles (counting live ones only would read the article row of
   every carrier; the few unpublished ones move a weight by a few per cent).

The candidates: bounded, each through an index
-----------------------------------------------
Only these are ranked: every pick; for each tag of the article, the newest 2 × limit
live articles carrying that tag (newest by id: the order articles were written in);
the newest 2 × limit live articles of the section. Each tag has its own bound, so a
common tag cannot crowd out the candidates of a rare one (it did when the candidates
were the newest 2 × limit sharing *any* tag: a story on an election in Bénin got the
newest stories tagged « Afrique »). The tag counts are capped as above. So the query
costs the same in a site of a hundred articles or of a million; it grows with the
article's own tags (a few), never with the site. No tag needs to go first: with a
bound of its own, the rarest tag's stories are all there whatever the common ones
bring, and the score puts them ahead. What it gives up: a story that
2 × limit newer stories pass over on each of its tags and in the section is not seen,
however many tags it shares.

Candidates come from indexes: a tag's newest carriers read backwards from the index on
tagged items by (tag_id, content_type_id, object_id) (migration 0022), stopping after
2 × limit live ones (by publication time there is no index to follow: the date is on
the article, so PostgreSQL either read all of a tag's carriers or walked the article
table by date); the section's from `article_section_pub_idx`; the counts from the same
index and the article primary key alone (index-only scans), each stopping at
RARITY_WINDOW rows. The weights are uncorrelated subqueries at the top of the query,
computed once (InitPlans); inside the per-candidate subquery PostgreSQL's estimate
crossed `jit_above_cost` and JIT compilation took 40 ms for a 2 ms query. Figures:
docs/benchmarks.md, "Related articles".

One query
---------
The candidates, the weights and the score are SQL text (RawSQL) inside the ORM query,
which still loads the cards (for_listing: section for the card's label, photo, deferred
body). Built with the ORM, the query cost more Python to put together on every cold
article page than PostgreSQL took to run it (docs/benchmarks.md, "Figures behind
choices in the code"); the same SQL as text costs next to nothing to build. The SQL
is plain enough for SQLite and PostgreSQL alike (LIMIT inside the subqueries of a
UNION; LN and EXP, which Django provides on SQLite builds without them); only the age
in days and the float type are written per database.

Which articles readers may see is not written here: the candidates' condition is
`articles.models.live_q`, compiled by the ORM once per database (`visible_sql`).
"""

import math
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
from articles.models import Article, Section, live_q

# The score's parts (see the module docstring): added to the shared tags' weights.
SAME_SECTION_BONUS = 2.0
NEAR_SECTION_BONUS = 1.0
FRESHNESS_BONUS = 1.0
# Articles and tag carriers are counted up to this many each.
RARITY_WINDOW = 1000

# Stands for the time in the compiled condition, replaced by the real one on each call.
_AT = datetime(2000, 1, 1, tzinfo=UTC)

# A candidate's age in days at a time given as a parameter, per database.
_AGE_IN_DAYS = {
    "postgresql": "EXTRACT(EPOCH FROM (%s - {column})) / 86400.0",
    "sqlite": "(julianday(%s) - julianday({column}))",
}
_FLOAT = {"postgresql": "double precision", "sqlite": "REAL"}


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
        "section": quote(Section._meta.db_table),
    }


def tag_weight(carriers, articles):
    """The weight of a shared tag (float ≥ 0): ln((1 + n) / (1 + df)).

    `carriers` (df) is the number of articles carrying the tag, `articles` (n) the
    number of articles, each counted up to RARITY_WINDOW. The same formula as the SQL
    of `related_articles`, for tests and for reading the ranking.
    """
    carriers, articles = min(carriers, RARITY_WINDOW), min(articles, RARITY_WINDOW)
    return math.log((1 + articles) / (1 + carriers))


def freshness(age_days, half_life_days=None):
    """The freshness part of the score (float in (0, FRESHNESS_BONUS]) of an article
    `age_days` old (a float, days): halved every `half_life_days`
    (RELATED_ARTICLES_HALF_LIFE_DAYS by default)."""
    half_life_days = half_life_days or settings.RELATED_ARTICLES_HALF_LIFE_DAYS
    return FRESHNESS_BONUS * 0.5 ** (age_days / half_life_days)


def _score_sql(article, tag_ids, now, tables, row):
    """The score of the candidate whose id is the SQL `row`: (sql, params)."""
    vendor = connection.vendor
    real = _FLOAT.get(vendor, "REAL")
    sql, params = [], []

    if tag_ids:
        # Counted once per query each (uncorrelated), up to RARITY_WINDOW rows.
        # Both through an index alone (the primary key; tag, content type, object id).
        articles = (
            f"(SELECT COUNT(*) FROM (SELECT id FROM {tables['article']} ORDER BY id LIMIT %s) n)"
        )
        carriers = (
            f"(SELECT COUNT(*) FROM (SELECT 1 FROM {tables['tagged']} c WHERE c.tag_id = %s "
            f"AND c.content_type_id = {ARTICLE_CONTENT_TYPE} LIMIT %s) df)"
        )
        # Uncorrelated, so computed once per query (InitPlans), not once per candidate:
        # inside the candidate's own subquery PostgreSQL reckoned them per row, and the
        # estimate crossed jit_above_cost (40 ms of JIT compilation for a 2 ms query).
        # Whether the candidate carries the tag: one index probe per candidate. OFFSET
        # keeps PostgreSQL from turning the EXISTS into a hash of every carrier of the
        # tag (which it chose for common tags: 19,000 rows, 1.2 ms at 200,000 articles).
        for tag_id in tag_ids:
            sql.append(
                f"CASE WHEN EXISTS (SELECT 1 FROM {tables['tagged']} t "
                f"WHERE t.object_id = {row} AND t.content_type_id = {ARTICLE_CONTENT_TYPE} "
                f"AND t.tag_id = %s LIMIT 1 OFFSET 0) "
                f"THEN LN(CAST(1 + {articles} AS {real}) / (1 + {carriers})) ELSE 0 END"
            )
            params += [tag_id, RARITY_WINDOW, tag_id, RARITY_WINDOW]

    # Near: the parent, a subsection, or a sibling (same parent) of the article's section.
    sql.append(
        f"CASE WHEN {tables['article']}.section_id = %s THEN %s "
        f"WHEN EXISTS (SELECT 1 FROM {tables['section']} s, {tables['section']} own "
        f"WHERE own.id = %s AND s.id = {tables['article']}.section_id AND "
        "(s.id = own.parent_id OR s.parent_id = own.id OR s.parent_id = own.parent_id)) "
        "THEN %s ELSE 0 END"
    )
    params += [
        article.section_id,
        SAME_SECTION_BONUS,
        article.section_id,
        NEAR_SECTION_BONUS,
    ]

    age = _AGE_IN_DAYS[vendor].format(column=f"{tables['article']}.published_at")
    sql.append(f"%s * EXP(%s * {age})")
    half_life = settings.RELATED_ARTICLES_HALF_LIFE_DAYS
    params += [
        FRESHNESS_BONUS,
        -math.log(2) / half_life,
        connection.ops.adapt_datetimefield_value(now),
    ]
    return " + ".join(f"({part})" for part in sql), params


def related_articles(article, tag_ids, limit=None):
    """The related articles of `article`, best first: a list of at most `limit`
    (RELATED_ARTICLES_COUNT by default) live Articles loaded as cards (`for_listing`).

    `tag_ids` are the ids of the article's tags (the page has them already). The
    ranking and its bounds: the module docstring. One query.
    """
    limit = limit or settings.RELATED_ARTICLES_COUNT
    tag_ids = sorted({int(pk) for pk in tag_ids})
    tables = _tables()
    now = timezone.now()
    visible, visible_params = visible_sql("a", now)
    newest = "ORDER BY a.published_at DESC, a.id DESC LIMIT %s"
    visible = f"{visible} AND a.id <> %s"

    members = [
        f"SELECT p.to_article_id AS id FROM {tables['picks']} p WHERE p.from_article_id = %s"
    ]
    params = [article.pk]
    # Each tag its own bound: a common tag cannot push out a rare tag's candidates.
    for position, tag_id in enumerate(tag_ids):
        members.append(
            f"SELECT id FROM (SELECT a.id FROM {tables['tagged']} t "
            f"JOIN {tables['article']} a ON a.id = t.object_id "
            f"WHERE t.tag_id = %s AND t.content_type_id = {ARTICLE_CONTENT_TYPE} "
            f"AND {visible} ORDER BY t.content_type_id DESC, t.object_id DESC LIMIT %s) "
            f"tag{position}"
        )
        params += [tag_id, *visible_params, article.pk, 2 * limit]
    members.append(
        f"SELECT id FROM (SELECT a.id FROM {tables['article']} a WHERE {visible} "
        f"AND a.section_id = %s {newest}) section"
    )
    params += [*visible_params, article.pk, article.section_id, 2 * limit]
    candidates = RawSQL(" UNION ALL ".join(members), params)

    row = f"{tables['article']}.id"
    pick_sql = (
        f"CASE WHEN EXISTS (SELECT 1 FROM {tables['picks']} r "
        f"WHERE r.from_article_id = %s AND r.to_article_id = {row}) THEN 0 ELSE 1 END"
    )
    score_sql, score_params = _score_sql(article, tag_ids, now, tables, row)
    # The picks keep their own order (newest first): their score is not read.
    score_sql = f"CASE WHEN {pick_sql} = 0 THEN 0 ELSE {score_sql} END"
    score_params = [article.pk, *score_params]

    return list(
        Article.objects.published(now)
        .for_listing()
        .exclude(pk=article.pk)
        .filter(pk__in=candidates)
        .alias(
            rank=RawSQL(pick_sql, [article.pk]),
            score=RawSQL(score_sql, score_params),
        )
        .order_by(F("rank").asc(), F("score").desc(), "-published_at", "-pk")[:limit]
    )
