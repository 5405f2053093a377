import os
import time

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from articles import demo
from articles.models import AdSlot, Article, Image, Section
from newsportal.siteurl import site_url


class Command(BaseCommand):
    help = (
        "Load the demo newsroom once: sections, authors, drawn photos, articles, ad slots "
        "and one account per role. Running it again creates nothing. Passwords come from "
        "DEMO_PASSWORD (or DEMO_<USERNAME>_PASSWORD) or are generated and printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles",
            type=int,
            default=demo.DEFAULT_ARTICLES,
            help="Published articles to create (default %(default)s), besides one "
            "scheduled, two drafts and two in review.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.DEFAULT_SEED,
            help="Seed of the content: the same seed gives the same demo (default %(default)s).",
        )
        parser.add_argument(
            "--images",
            type=int,
            default=demo.DEFAULT_IMAGES,
            help="Drawn photos shared by the articles (default %(default)s).",
        )
        parser.add_argument(
            "--no-images",
            action="store_const",
            const=0,
            dest="images",
            help="Draw no photos and no ad banners (fast, for tests).",
        )

    def handle(self, *args, articles, seed, images, **options):
        if articles < 1:
            raise CommandError("--articles must be at least 1.")
        if images < 0:
            raise CommandError("--images cannot be negative.")
        started = time.monotonic()
        report = demo.load_demo(seed=seed, articles=articles, images=images, environ=os.environ)

        for username, created, password, source in report.users:
            if not created:
                self.stdout.write(f"User {username!r} already exists; its password is unchanged.")
            elif password:
                self.stdout.write(
                    self.style.WARNING(f"User {username!r} created with password: {password}")
                    + "  (shown once; change it in the admin)"
                )
            else:
                self.stdout.write(f"User {username!r} created with the password from ${source}.")

        if report.loaded_before:
            self.stdout.write(
                f"Demo already loaded: {report.loaded_before} articles; nothing else to create."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {report.articles} articles ({articles} published, 1 scheduled, "
                    f"4 drafts or in review), {report.images} photos and "
                    f"{report.ad_slots} ad slots in {time.monotonic() - started:.1f} s."
                )
            )
        self.stdout.write(
            f"Now: {Section.objects.count()} sections, "
            f"{Article.objects.published().count()} published articles, "
            f"{Image.objects.count()} images, {AdSlot.objects.count()} ad slots.\n"
            f"Admin: {site_url(reverse('admin:index'))}  users: "
            + ", ".join(username for username, *_ in demo.DEMO_USERS)
        )
