"""What the related-articles query costs (docs/benchmarks.md, "Related articles").

    createdb -h 127.0.0.1 -U postgres np_related_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/np_related_bench manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/np_related_bench \\
        BENCHMARKS=1 manage.py bench_related --articles 5000

Fills an empty database (or adds to one filled by an earlier run, `--articles` more)
with articles in twelve sections under three roots, each carrying « Actualité » (nine
in ten), « Afrique » (four in ten) and two or three tags drawn from 300 with a Zipf
law (a few common, most rare), then times `related_articles` on `--repeat` random
articles (p50, p95, in milliseconds, the query and the cards) and prints the EXPLAIN
(ANALYZE, BUFFERS) of the query for the slowest of them, for one carrying
« Actualité » and for one carrying a rare tag.
"""

import random
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles.discovery.related import related_articles
from articles.models import Article, Section


class Command(BaseCommand):
    help = "Fill articles with skewed tags; time and EXPLAIN the related-articles query."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=5000)
        parser.add_argument("--repeat", type=int, default=200)
        parser.add_argument("--seed", type=int, default=18)

    def handle(self, *args, **options):
        rng = random.Random(options["seed"])
        if options["articles"]:
            self.fill(rng, options["articles"])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE) articles_article, taggit_taggeditem, taggit_tag")
        ids = list(Article.objects.published().values_list("pk", flat=True))
        timings, slowest = [], (0, None)
        for pk in rng.sample(ids, min(options["repeat"], len(ids))):
            article = Article.objects.get(pk=pk)
            tag_ids = list(article.tags.values_list("pk", flat=True))
            start = time.perf_counter()
            related_articles(article, tag_ids)
            timings.append((time.perf_counter() - start) * 1000)
            slowest = max(slowest, (timings[-1], article), key=lambda pair: pair[0])
        p95 = statistics.quantiles(timings, n=20)[-1]
        self.stdout.write(
            f"{Article.objects.count()} articles, {TaggedItem.objects.count()} tagged items: "
            f"related_articles p50 {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms "
            f"over {len(timings)} articles"
        )
        self.explain(f"the slowest ({slowest[0]:.1f} ms)", slowest[1])
        common = Tag.objects.get(name="Actualité")
        rare = Tag.objects.get(name="Sujet 250")
        for label, tag in (("common tags", common), ("a rare tag", rare)):
            article = Article.objects.published().filter(tags=tag).order_by("?").first()
            if article:
                self.explain(label, article)

    def explain(self, label, article):
        tag_ids = list(article.tags.values_list("pk", flat=True))
        names = ", ".join(article.tags.values_list("name", flat=True))
        with CaptureQueriesContext(connection) as queries:
            related_articles(article, tag_ids)
        sql = queries.captured_queries[-1]["sql"]
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else ""
        with connection.cursor() as cursor:
            cursor.execute(prefix + ("EXPLAIN QUERY PLAN " if not prefix else "") + sql)
            plan = "\n".join(str(row[0] if prefix else row) for row in cursor.fetchall())
        self.stdout.write(f"\n### {label}: article {article.pk} ({names})\n\n{plan}\n")

    @transaction.atomic
    def fill(self, rng, count):
        roots = [
            Section.objects.get_or_create(slug=slug, parent=None, defaults={"name": name})[0]
            for slug, name in (("bench-a", "Banc A"), ("bench-b", "Banc B"), ("bench-c", "Banc C"))
        ]
        sections = [
            Section.objects.get_or_create(
                slug=f"{root.slug}-{n}", parent=root, defaults={"name": f"{root.name} {n}"}
            )[0]
            for root in roots
            for n in range(3)
        ] + roots
        tags = {
            name: Tag.objects.get_or_create(name=name, defaults={"slug": slug})[0]
            for name, slug in (("Actualité", "actualite"), ("Afrique", "afrique"))
        }
        topics = [
            Tag.objects.get_or_create(name=f"Sujet {n}", defaults={"slug": f"sujet-{n}"})[0]
            for n in range(300)
        ]
        zipf = [1 / (rank + 1) for rank in range(len(topics))]
        now = timezone.now()
        articles = Article.objects.bulk_create(
            Article(
                title=f"Article de banc {n}",
                slug=f"banc-{now.timestamp():.0f}-{n}",
                standfirst="Chapeau.",
                body="<p>Texte.</p>",
                section=rng.choice(sections),
                status=Article.Status.PUBLISHED,
                published_at=now - timezone.timedelta(minutes=rng.randint(1, 3 * 365 * 24 * 60)),
            )
            for n in range(count)
        )
        items = []
        for article in articles:
            chosen = set(rng.choices(topics, zipf, k=rng.randint(2, 3)))
            if rng.random() < 0.9:
                chosen.add(tags["Actualité"])
            if rng.random() < 0.4:
                chosen.add(tags["Afrique"])
            items += [TaggedItem(content_object=article, tag=tag) for tag in chosen]
        TaggedItem.objects.bulk_create(items)
