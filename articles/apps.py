from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Content")

    def ready(self):
        from taggit.models import Tag

        from articles import caching, signals
        from articles.content import tagging
        from articles.discovery import readership
        from articles.discovery.pagination import CURSOR_PARAMETER, clean_cursor
        from newsportal import pagecache

        # Every receiver of the app, model signals and domain events (articles.signals).
        signals.connect()

        # What the page cache must know besides content changes (articles.caching):
        # when pages change by themselves;
        pagecache.register_schedule(caching.next_scheduled_change)
        # an article page served from the page cache is still a read;
        pagecache.register_hit("article-read", readership.count_cached_read)
        # the query parameters list pages read (the rest stays out of the page cache).
        pagecache.register_query_parameters("page", clean=pagecache.page_number)
        pagecache.register_query_parameters(CURSOR_PARAMETER, clean=clean_cursor)

        # Tags follow the slug policy (docs/input.md); their saves, through the
        # receivers connected above.
        Tag.slugify = tagging.policy_slugify
