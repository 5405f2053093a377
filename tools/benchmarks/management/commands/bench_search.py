"""Fill PostgreSQL with generated articles and measure what a reader's search costs.

    createdb np_bench
    DATABASE_URL=postgres://…/np_bench manage.py migrate
    DATABASE_URL=postgres://…/np_bench BENCHMARKS=true manage.py bench_search --articles 1000000

The articles are made by the database itself (`generate_series`, one INSERT … SELECT
per batch of 100,000), with French words drawn from Faker's French word list (skewed,
so that some words are common and others rare), a newsroom vocabulary mixed in, and
the search vector computed in the same statement. Every generated row is marked: its
section is « Banc d'essai » (slug `banc-d-essai`) and its slug starts with `bench-`;
`--clean` deletes them. Use a database of its own: the generated articles are
published, so they would show on the site.

Each query then runs as the search page runs it (count, one page of 20 with title and
snippet highlights), `--repeat` times after one warm-up, and the command prints p50 and
p95 per query and overall, and the EXPLAIN (ANALYZE, BUFFERS) of the first query.
"""

import itertools
import random
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.core.paginator import Paginator
from django.db import connection, transaction
from faker.providers.lorem.fr_FR import Provider as FrenchLorem

from articles.discovery.search import (
    SEARCH_CONFIG,
    attach_snippets,
    newest_matches,
    search_articles,
    websearch,
)
from articles.models import Article, Section, content_written

BENCH_SECTION = "banc-d-essai"
BATCH = 100_000
POOL_SIZE = 100_000

NEWSROOM_WORDS = [
    "élection",
    "élections",
    "présidentielle",
    "président",
    "gouvernement",
    "ministre",
    "député",
    "Assemblée",
    "réforme",
    "constitution",
    "constitutionnelle",
    "opposition",
    "économie",
    "croissance",
    "inflation",
    "budget",
    "finances",
    "dette",
    "coton",
    "port",
    "santé",
    "hôpital",
    "épidémie",
    "paludisme",
    "vaccination",
    "école",
    "enseignants",
    "grève",
    "sécurité",
    "armée",
    "terrorisme",
    "Sahel",
    "frontière",
    "diplomatie",
    "sommet",
    "Cotonou",
    "Porto-Novo",
    "Parakou",
    "Niamey",
    "Dakar",
    "Abuja",
    "Bénin",
    "Niger",
    "Sénégal",
    "Nigeria",
    "Togo",
    "football",
    "Écureuils",
    "championnat",
    "culture",
    "festival",
    "musique",
    "vodoun",
    "pluies",
    "inondations",
    "agriculture",
    "récolte",
    "énergie",
    "électricité",
    "coupures",
    "téléphonie",
    "numérique",
    "justice",
    "procès",
    "tribunal",
    "corruption",
    "jeunesse",
    "emploi",
    "chômage",
    "marché",
]

QUERIES = [
    "élection présidentielle",
    "election",
    "elections",
    "Réforme constitutionnelle",
    "santé publique",
    "paludisme vaccination",
    "sécurité au Sahel",
    "coupures d'électricité",
    "football championnat",
    '"ministre des finances"',
    "Cotonou inondations",
    "corruption -procès",
    "budget dette croissance",
    "abandonner",
    "zzzyx introuvable",
]


class Command(BaseCommand):
    help = "Fill PostgreSQL with generated articles and report search latency (p50/p95)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=1_000_000)
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument("--body-words", type=int, default=150)
        parser.add_argument(
            "--skip-fill", action="store_true", help="Measure the rows already there."
        )
        parser.add_argument("--clean", action="store_true", help="Delete the generated rows.")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_search measures PostgreSQL: set DATABASE_URL=postgres://…")
        if options["clean"]:
            self.clean()
            return
        if not options["skip_fill"]:
            self.fill(options["articles"], options["body_words"])
        self.measure(options["repeat"])

    # Filling ---------------------------------------------------------------------------

    def section(self):
        section, _created = Section.objects.get_or_create(
            slug=BENCH_SECTION, parent=None, defaults={"name": "Banc d'essai", "position": 99}
        )
        return section

    def clean(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM articles_article WHERE slug LIKE 'bench-%%' AND section_id IN "
                "(SELECT id FROM articles_section WHERE path = %s)",
                [BENCH_SECTION],
            )
            self.stdout.write(f"Deleted {cursor.rowcount} generated articles.")
        Section.objects.filter(path=BENCH_SECTION).delete()
        content_written()  # deleted with SQL: no signal told the page cache

    def fill(self, count, body_words):
        section = self.section()
        start = Article.objects.filter(slug__startswith="bench-").count()
        if start >= count:
            self.stdout.write(f"{start} generated articles already there.")
            return
        began = time.perf_counter()
        with connection.cursor() as cursor:
            self.make_pools(cursor, body_words)
            cursor.execute("SET maintenance_work_mem = '512MB'")
            cursor.execute("DROP INDEX IF EXISTS article_search_idx")
            # FILL_SQL writes the very vector the trigger of migration 0009 would compute
            # (these articles have no tags), without analysing every body a second time.
            cursor.execute(
                "ALTER TABLE articles_article DISABLE TRIGGER articles_article_search_vector"
            )
            try:
                self.insert_batches(cursor, section, start, count, began)
            finally:
                cursor.execute(
                    "ALTER TABLE articles_article ENABLE TRIGGER articles_article_search_vector"
                )
            self.stdout.write("  building the GIN index…")
            cursor.execute(
                "CREATE INDEX article_search_idx ON articles_article USING gin (search_vector)"
            )
            cursor.execute("ANALYZE articles_article")
        content_written()  # written with SQL: no signal told the page cache
        self.stdout.write(
            f"Filled {count - start:,} articles in {time.perf_counter() - began:.0f} s "
            f"(search vectors and index included)."
        )

    def insert_batches(self, cursor, section, start, count, began):
        for offset in range(start, count, BATCH):
            size = min(BATCH, count - offset)
            params = {
                "section": section.pk,
                "first": offset + 1,
                "last": offset + size,
                "pool": POOL_SIZE,
                "total": count,
            }
            with transaction.atomic():
                cursor.execute(FILL_SQL, params)
            self.stdout.write(
                f"  {offset + size:>9,} articles ({time.perf_counter() - began:.0f} s)"
            )

    def make_pools(self, cursor, body_words):
        """Write pools of French word sequences that the INSERT combines per article.

        Words follow a Zipf-like law over a shuffled vocabulary (Faker's French words
        and a newsroom vocabulary), so some words are in most articles, others in few.
        """
        words = list(dict.fromkeys(w for w in FrenchLorem.word_list if " " not in w))
        vocabulary = words + NEWSROOM_WORDS
        rng = random.Random(2026)  # noqa: S311  (test data)
        rng.shuffle(vocabulary)
        weights = list(itertools.accumulate(1 / (rank + 10) for rank in range(len(vocabulary))))
        sentence_words = max(body_words // 4, 5)
        for table, length in (("title", 4), ("standfirst", 25), ("body", sentence_words)):
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS bench_{table} "
                "(id int PRIMARY KEY, words text, vector tsvector)"
            )
            cursor.execute(f"TRUNCATE bench_{table}")
            rows = [
                (i, " ".join(rng.choices(vocabulary, cum_weights=weights, k=length)))
                for i in range(POOL_SIZE)
            ]
            for chunk in range(0, len(rows), 5000):
                batch = rows[chunk : chunk + 5000]
                cursor.execute(
                    f"INSERT INTO bench_{table} (id, words) VALUES "  # noqa: S608
                    + ", ".join(["(%s, %s)"] * len(batch)),
                    [value for row in batch for value in row],
                )
            # Each pooled sequence is analysed once; articles concatenate the vectors.
            cursor.execute(
                f"UPDATE bench_{table} SET vector = to_tsvector(%s::regconfig, words)",  # noqa: S608
                [SEARCH_CONFIG],
            )

    # Measuring -------------------------------------------------------------------------

    def run_query(self, query):
        # What SearchView does: the count, then one page with its highlights.
        results = search_articles(query)
        page = Paginator(results, 20).get_page(1)
        attach_snippets(list(page.object_list), query)
        return page.paginator.count

    def measure(self, repeat):
        total = Article.objects.count()
        published = Article.objects.published().count()
        self.stdout.write(f"\n{total:,} articles ({published:,} published); {repeat} runs each\n")
        all_times = []
        self.stdout.write(f"{'query':<28} {'matches':>9} {'p50 ms':>8} {'p95 ms':>8}")
        for query in QUERIES:
            matches = self.run_query(query)  # warm-up
            times = []
            for _ in range(repeat):
                began = time.perf_counter()
                self.run_query(query)
                times.append((time.perf_counter() - began) * 1000)
            all_times += times
            self.stdout.write(
                f"{query:<28} {matches:>9,} {percentile(times, 50):>8.1f} "
                f"{percentile(times, 95):>8.1f}"
            )
        self.stdout.write(
            f"{'all queries':<28} {'':>9} {percentile(all_times, 50):>8.1f} "
            f"{percentile(all_times, 95):>8.1f}\n"
        )
        query = QUERIES[0]
        self.stdout.write(f"EXPLAIN (ANALYZE, BUFFERS) for « {query} »: the newest matches")
        matches = newest_matches(Article.objects.published(), websearch(query))
        self.stdout.write(matches.explain(analyze=True, buffers=True))
        self.stdout.write("\n… then the page: rank them, highlight 20")
        self.stdout.write(search_articles(query)[:20].explain(analyze=True, buffers=True))


def percentile(values, pct):
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


# One statement per batch: each article combines pooled word sequences picked by a hash
# of its number (two title fragments, one standfirst, four body paragraphs), with dates
# over three years in insertion order (as a newsroom publishes: the table's physical
# order follows publication), 2 % drafts and 1 % scheduled. Its weighted vector is the
# concatenation of the pooled sequences' vectors: `||` shifts positions as to_tsvector()
# on the joined text would, so the result is the vector articles.discovery.search makes (no tags
# here), without analysing 1,000,000 bodies one by one (docs/benchmarks.md says what that
# would cost).
FILL_SQL = """
WITH generated AS (
    SELECT n,
        initcap(t1.words || ' ' || t2.words) AS title,
        setweight(t1.vector || t2.vector, 'A') || setweight(s.vector, 'B')
            || setweight(b1.vector || b2.vector || b3.vector || b4.vector, 'C') AS vector,
        s.words AS standfirst,
        '<p>' || b1.words || '</p><p>' || b2.words || '</p><p>' || b3.words || '</p><p>'
            || b4.words || '</p>' AS body
    FROM generate_series(%(first)s, %(last)s) AS n
    JOIN bench_title t1 ON t1.id = abs(hashint4(n)) %% %(pool)s
    JOIN bench_title t2 ON t2.id = abs(hashint4(n + 1000000000)) %% %(pool)s
    JOIN bench_standfirst s ON s.id = abs(hashint4(n + 2000000000)) %% %(pool)s
    JOIN bench_body b1 ON b1.id = abs(hashint4(n * 3)) %% %(pool)s
    JOIN bench_body b2 ON b2.id = abs(hashint4(n * 5 + 1)) %% %(pool)s
    JOIN bench_body b3 ON b3.id = abs(hashint4(n * 7 + 2)) %% %(pool)s
    JOIN bench_body b4 ON b4.id = abs(hashint4(n * 11 + 3)) %% %(pool)s
)
INSERT INTO articles_article (
    title, slug, standfirst, body, section_id, status, published_at, created_at, updated_at,
    is_breaking, comments_open, comments_premoderated, search_vector
)
SELECT
    title, 'bench-' || n, standfirst, body, %(section)s,
    CASE WHEN n %% 50 = 0 THEN 'draft' ELSE 'published' END,
    CASE WHEN n %% 100 = 1 THEN now() + interval '2 days'
         ELSE now() - interval '1095 days' * (1 - n::float / %(total)s)
              + random() * interval '1 hour' END,
    now(), now(), false, true, false, vector
FROM generated
"""
