"""Recompute every article's search vector (after changing the search configuration)."""

from django.core.management.base import BaseCommand
from django.db import connection

from articles.discovery.search import update_search_vectors
from articles.models import Article


class Command(BaseCommand):
    help = "Recompute the full-text search vector of every article (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=5000)

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("Nothing to do: SQLite searches the text itself.")
            return
        ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        done = 0
        for start in range(0, len(ids), options["batch"]):
            batch = ids[start : start + options["batch"]]
            done += update_search_vectors(Article.objects.filter(pk__in=batch))
        self.stdout.write(f"Updated the search vectors of {done} articles.")
