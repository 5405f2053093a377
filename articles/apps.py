from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Content")

    def ready(self):
        # Connect the signals: page and section-tree caches, renditions of loaded
        # images, read counts, search's SQLite functions.
        from . import derived, pagecache, readership, search, sections  # noqa: F401

        # An article page served from the page cache is still a read.
        pagecache.register_hit("article-read", readership.count_cached_read)
