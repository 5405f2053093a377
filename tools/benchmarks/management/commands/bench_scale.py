"""The scale benchmark (docs/benchmarks.md): a million articles, five million comments.

    createdb -h 127.0.0.1 -U postgres np_perf_scale
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/np_perf_scale manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/np_perf_scale \\
        manage.py bench_scale --articles 1000000 --comments 5000000

Articles come from `bench_search`'s set-based fill (one INSERT … SELECT over
`generate_series` per 100,000 rows, search vectors included), all in one section, the
worst case for a section page. Comments are made the same way: one INSERT … SELECT per
batch, spread over the articles by a hash, 90 % approved. Then each page is requested
the way a reader's first visit renders it (page cache off: the rendering is measured,
not a cache read) through Django's test client, `--repeat` times on random articles,
random depths and the search queries, and the command prints p50/p95 per page and the
EXPLAIN (ANALYZE, BUFFERS) of each page's main queries; `--write-doc` puts it all in
docs/benchmarks.md.
"""

import random
import statistics
import time
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from articles.discovery.pagination import cursor_for
from articles.models import Article, Section
from comments.models import Comment

COMMENT_BATCH = 500_000
DOC = Path(settings.BASE_DIR) / "docs/benchmarks.md"
START, END = "<!-- bench_scale: start -->", "<!-- bench_scale: end -->"

COMMENTS_SQL = """
INSERT INTO comments_comment (
    article_id, name, body, status, score, provider, reasons, user_agent, body_digest,
    created_at
)
SELECT
    %(first_id)s + abs(hashint4(n)) %% %(articles)s,
    'Lecteur ' || (n %% 5000),
    'Commentaire ' || n || ' : merci pour cet article, bien documenté et utile.',
    CASE WHEN n %% 10 = 0 THEN 'pending' ELSE 'approved' END,
    0.9, 'builtin', '[]'::jsonb, '', '',
    now() - interval '1095 days' * random()
FROM generate_series(%(first)s, %(last)s) AS n
"""


def percentile(values, pct):
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


class Command(BaseCommand):
    help = "Fill PostgreSQL with 1M articles and 5M comments; report page p50/p95 and plans."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=1_000_000)
        parser.add_argument("--comments", type=int, default=5_000_000)
        parser.add_argument("--repeat", type=int, default=100)
        parser.add_argument("--skip-fill", action="store_true")
        parser.add_argument("--write-doc", action="store_true")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_scale measures PostgreSQL: set DATABASE_URL=postgres://…")
        self.lines = []
        if not options["skip_fill"]:
            self.fill_articles(options["articles"])
            self.fill_comments(options["comments"])
            # What autovacuum does on a live site after a bulk load: visibility maps (for
            # index-only scans) and hint bits, so that the first reads do not write.
            with connection.cursor() as cursor:
                cursor.execute(
                    "VACUUM (ANALYZE) articles_article, comments_comment, taggit_taggeditem, "
                    "articles_article_authors"
                )
        with override_settings(PAGE_CACHE_SECONDS=0, ALLOWED_HOSTS=["testserver"]):
            self.measure(options["repeat"])
        if options["write_doc"]:
            self.write_doc()

    def say(self, text=""):
        self.stdout.write(text)
        self.lines.append(text)

    def fill_articles(self, count):
        bench_search = import_module("tools.benchmarks.management.commands.bench_search").Command()
        bench_search.stdout = self.stdout
        bench_search.fill(count, 150)

    def fill_comments(self, count):
        articles = Article.objects.filter(slug__startswith="bench-")
        first_id = articles.order_by("pk").values_list("pk", flat=True).first()
        total = articles.count()
        start = Comment.objects.count()
        began = time.perf_counter()
        with connection.cursor() as cursor:
            for offset in range(start, count, COMMENT_BATCH):
                size = min(COMMENT_BATCH, count - offset)
                with transaction.atomic():
                    cursor.execute(
                        COMMENTS_SQL,
                        {
                            "first_id": first_id,
                            "articles": total,
                            "first": offset + 1,
                            "last": offset + size,
                        },
                    )
                self.stdout.write(
                    f"  {offset + size:>9,} comments ({time.perf_counter() - began:.0f} s)"
                )
            cursor.execute("ANALYZE comments_comment")

    def timed(self, client, urls):
        times = []
        for url in urls:
            began = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
        return times

    def measure(self, repeat):
        rng = random.Random(6)
        client = Client()
        client.cookies["sessionid"] = "scale"  # no page cache: the rendering is measured
        section = Section.objects.get(path="banc-d-essai")
        published = Article.objects.published().filter(section=section)
        total = Article.objects.count()
        comments = Comment.objects.count()
        first = published.order_by("pk").values_list("pk", flat=True).first()
        ids = [first + rng.randrange(total - 1) for _ in range(repeat * 3)]
        articles = list(published.filter(pk__in=ids).only("slug", "published_at")[: repeat + 1])
        # The last one is not measured: its plans are explained with cold fragment caches.
        unmeasured = articles.pop()
        article_urls = [a.get_absolute_url() for a in articles]
        section_urls = [f"{section.get_absolute_url()}?avant={cursor_for(a)}" for a in articles] + [
            f"{section.get_absolute_url()}?page={rng.randint(1, 20)}" for _ in range(20)
        ]
        from tools.benchmarks.management.commands.bench_search import QUERIES

        search_urls = [f"/recherche/?q={q}" for q in QUERIES] * max(1, repeat // len(QUERIES))
        self.say(
            f"{total:,} articles, {comments:,} comments; page cache off, "
            f"{repeat} requests per page (random articles, depths, queries), after a warm-up."
        )
        self.say("")
        self.say("| page | requests | p50 (ms) | p95 (ms) | target p95 |")
        self.say("| --- | ---: | ---: | ---: | ---: |")
        for name, urls, target in (
            ("article", article_urls, 30),
            ("section, deep (keyset) and numbered pages", section_urls, 30),
            ("search", search_urls, 100),
        ):
            self.timed(client, urls[:5])  # warm-up
            times = self.timed(client, urls)
            self.say(
                f"| {name} | {len(times)} | {percentile(times, 50):.1f} | "
                f"{percentile(times, 95):.1f} | ≤ {target} |"
            )
        self.say("")
        for name, url in (
            ("article", unmeasured.get_absolute_url()),
            ("deep section page", f"{section.get_absolute_url()}?avant={cursor_for(unmeasured)}"),
            ("search", search_urls[0]),
        ):
            self.explain(client, name, url)

    def explain(self, client, name, url):
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        self.say(f"### Query plans: {name} (`{url}`)")
        self.say("")
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or "django_session" in sql:
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
            self.say("```")
            self.say(sql if len(sql) < 1500 else sql[:1500] + " …")
            self.say("")
            self.say(plan)
            self.say("```")
            self.say("")

    def write_doc(self):
        text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
        block = "\n".join([START, *self.lines, END])
        if START in text:
            before, rest = text.split(START, 1)
            text = before + block + rest.split(END, 1)[1]
        else:
            text += f"\n{block}\n"
        DOC.write_text(text)
