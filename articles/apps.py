from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Content")

    def ready(self):
        # Connect the signals: page and section-tree caches, renditions of loaded
        # images, read counts, search's SQLite functions.
        from articles import caching, derived  # noqa: F401
        from articles.discovery import readership, search, sections  # noqa: F401
        from newsportal import pagecache

        caching.connect()

        # An article page served from the page cache is still a read.
        pagecache.register_hit("article-read", readership.count_cached_read)
        # The query parameters list pages read: the rest stays out of the page cache.
        from articles.discovery.pagination import CURSOR_PARAMETER, clean_cursor

        pagecache.register_query_parameters("page", clean=pagecache.page_number)
        pagecache.register_query_parameters(CURSOR_PARAMETER, clean=clean_cursor)

        self.apply_input_policy()

    def apply_input_policy(self):
        """Every save of a model that takes text stores it under the input policy, and
        tags follow the slug policy (docs/input.md)."""
        from django.db.models.signals import post_save, pre_save
        from taggit.models import Tag

        from articles import models
        from articles.content import tagging
        from newsportal.textinput import apply_before_save

        for model in (
            models.Section,
            models.Author,
            models.Image,
            models.Article,
            models.Correction,
            models.AdSlot,
        ):
            pre_save.connect(apply_before_save, sender=model, dispatch_uid="input-policy")
        for model in (models.Article, models.Author, models.Section):
            pre_save.connect(models.slug_before_save, sender=model, dispatch_uid="slug-policy")
        Tag.slugify = tagging.policy_slugify
        pre_save.connect(tagging.before_tag_save, sender=Tag, dispatch_uid="tag-policy")
        post_save.connect(tagging.after_tag_save, sender=Tag, dispatch_uid="tag-policy")
