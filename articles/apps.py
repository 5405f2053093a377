from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Content")

    def ready(self):
        # Connect the signals: page and section-tree caches, search vectors, read counts.
        from . import pagecache, readership, search, sections  # noqa: F401

        # An article page served from the page cache is still a read.
        pagecache.register_hit("article-read", readership.count_cached_read)
        # The query parameters list pages read: the rest stays out of the page cache.
        from .pagination import CURSOR_PARAMETER

        pagecache.register_query_parameters("page", clean=pagecache.page_number)
        pagecache.register_query_parameters(CURSOR_PARAMETER)
