from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Content")

    def ready(self):
        # Connect the cache-invalidation signals.
        from . import pagecache, sections  # noqa: F401
