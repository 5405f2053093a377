"""Build the benchmark's dataset (docs/benchmarks.md): run by `make bench`.

2,000 published articles in a section tree, 200 tags (five per article), one article
with 50 approved comments and 10 related articles, photos (their rendition lists only:
no page view opens a file) and ad slots. Rows are made with bulk_create, so no signal
runs per row; the page cache starts a new generation at the end.
"""

import random
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles.models import AdSlot, Article, Author, Image, Section
from comments.models import Comment
from newsportal import pagecache

SECTIONS = {
    ("News - Infos", "news-infos"): [("Diplomatie", "diplomatie"), ("Politique", "politique")],
    ("Afrique", "afrique"): [("Bénin", "benin"), ("Niger", "niger"), ("Sénégal", "senegal")],
    ("Monde", "monde"): [],
    ("Sport", "sport"): [],
}
FEATURED_SLUG = "article-de-reference"
WORDS = [
    *("gouvernement", "ministre", "sommet", "accord", "élection", "réforme", "budget"),
    *("santé", "école", "sécurité", "frontière", "coton", "port", "récolte", "pluies"),
    *("festival", "musique", "football", "championnat", "justice"),
]


def renditions(pk):
    return [
        {
            "width": width,
            "height": width * 2 // 3,
            "url_webp": f"/media/renditions/{pk}/{width}.webp",
            "url_jpeg": f"/media/renditions/{pk}/{width}.jpg",
        }
        for width in (360, 720, 1080)
    ]


class Command(BaseCommand):
    help = "Fill an empty database with the benchmark dataset (2,000 articles, 200 tags…)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=2000)
        parser.add_argument("--tags", type=int, default=200)
        parser.add_argument("--comments", type=int, default=50)
        parser.add_argument("--seed", type=int, default=6)

    @transaction.atomic
    def handle(self, *args, **options):
        if Article.objects.exists():
            raise CommandError("bench_dataset fills an empty database (make bench makes one).")
        rng = random.Random(options["seed"])
        now = timezone.now()
        sections = []
        for position, ((name, slug), children) in enumerate(SECTIONS.items()):
            root = Section.objects.create(name=name, slug=slug, position=position)
            sections.append(root)
            sections += [Section.objects.create(name=n, slug=s, parent=root) for n, s in children]
        authors = [Author.objects.create(name=f"Journaliste {n}", slug=f"j-{n}") for n in range(20)]
        images = Image.objects.bulk_create(
            # Listed renditions (set right below, once the ids are known): the files do
            # not exist, so bulk_create must not try to make them.
            Image(
                file=f"images/bench/{n}.jpg",
                width=1080,
                height=720,
                alt_text=f"Photo {n}",
                renditions=renditions(0),
            )
            for n in range(50)
        )
        for image in images:
            image.renditions = renditions(image.pk)
        Image.objects.bulk_update(images, ["renditions"])

        body = "".join(
            f"<p>{' '.join(rng.choice(WORDS) for _ in range(60)).capitalize()}.</p>"
            for _ in range(6)
        )
        articles = Article.objects.bulk_create(
            Article(
                title=f"{rng.choice(WORDS).capitalize()} : dépêche numéro {n}",
                slug=FEATURED_SLUG if n == 0 else f"depeche-{n}",
                standfirst=" ".join(rng.choice(WORDS) for _ in range(25)).capitalize() + ".",
                body=body,
                section=sections[n % len(sections)] if n else sections[1],
                hero_image=images[n % len(images)],
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(minutes=10 + n * 37),
                updated_at=now - timedelta(minutes=10 + n * 37),
                is_breaking=n in (1, 2),
            )
            for n in range(options["articles"])
        )
        tags = Tag.objects.bulk_create(
            Tag(name=f"Sujet {n}", slug=f"sujet-{n}") for n in range(options["tags"])
        )
        TaggedItem.objects.bulk_create(
            TaggedItem(content_object=article, tag=tag)
            for article in articles
            for tag in rng.sample(tags, 5)
        )
        Article.authors.through.objects.bulk_create(
            Article.authors.through(article_id=article.pk, author_id=authors[n % 20].pk)
            for n, article in enumerate(articles)
        )
        featured = articles[0]
        Article.related_articles.through.objects.bulk_create(
            Article.related_articles.through(from_article_id=featured.pk, to_article_id=a.pk)
            for a in articles[1:11]
        )
        Comment.objects.bulk_create(
            Comment(
                article=featured,
                name=f"Lecteur {n}",
                body=f"Commentaire numéro {n} : " + " ".join(rng.choice(WORDS) for _ in range(30)),
                status=Comment.Status.APPROVED,
                score=0.9,
                provider="builtin",
                created_at=now - timedelta(minutes=50 - n),
            )
            for n in range(options["comments"])
        )
        for placement in AdSlot.Placement.values:
            AdSlot.objects.create(
                name=f"Annonce {placement}", placement=placement, text="Votre marque ici"
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        transaction.on_commit(pagecache.refresh_generation)
        self.stdout.write(
            f"{len(articles)} articles, {len(tags)} tags, {options['comments']} comments on "
            f"/article/{FEATURED_SLUG}/"
        )
