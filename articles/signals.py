"""Every receiver the articles app connects, in one place: `connect()`, called once from
ArticlesConfig.ready(). Nothing is connected when a module is imported.

Model signals are heard per model (a `sender` each, and a `dispatch_uid`), and turned
into the app's domain events (articles.events): an article published or unpublished,
or content changed. The caches derived from content listen to those events, not to
"some model was saved":

- `article_published`, `article_unpublished`: the page cache (articles.caching) and
  « most read » (articles.discovery.readership);
- `content_changed`: the page cache; « most read » when an article changed; the
  section tree when a section did (articles.discovery.sections);
- `content_written`: every cache and the renditions (articles.derived), and
  « most read ».

Besides: the input and slug policies before every save of a model with text
(docs/input.md), renditions of an image loaded raw (`loaddata`), the read counts'
flush after each response, search's SQLite functions on each new connection, and a
deleted photo's files (articles.media.renditions).
"""

from django.apps import apps
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.signals import request_finished
from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from taggit.models import Tag, TaggedItem

from articles import caching, derived, models
from articles.content import tagging
from articles.discovery import readership, search, sections
from articles.events import article_published, article_unpublished, content_changed, content_written
from articles.media import renditions
from articles.models import Article
from newsportal.textinput import apply_before_save

# Models of the articles app that readers never see.
# (Autosaved drafts and edit locks are the newsroom's own: an autosave forgets no page.)
NOT_CONTENT = {models.ArticleReadCount, models.ArticleDraft, models.ArticleLock}
# Models with free text, under the input policy; models with a slug, under the slug policy.
WITH_TEXT = (
    models.Section,
    models.Author,
    models.Image,
    models.Article,
    models.Correction,
    models.AdSlot,
)
WITH_SLUG = (models.Article, models.Author, models.Section)


def content_models():
    """The models readers see, besides articles: every other model of the app but
    NOT_CONTENT (so a new one counts until said otherwise), and taggit's."""
    app_models = apps.get_app_config("articles").get_models()
    others = [model for model in app_models if model is not Article and model not in NOT_CONTENT]
    return [*others, Tag, TaggedItem]


# From model signals to domain events.


def article_saving(sender, instance, **kwargs):
    """pre_save of Article: know the status the row holds before the save.

    Article.save() reads it with the old slug (no query more); a raw save (`loaddata`,
    a restored revision) skips save(), and one query reads it here.
    """
    if "_status_in_db" not in instance.__dict__:
        instance._status_in_db = (
            None
            if instance.pk is None
            else Article.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
        )


def article_saved(sender, instance, update_fields=None, **kwargs):
    """post_save of Article: published, unpublished, or changed."""
    before = instance.__dict__.pop("_status_in_db", None)
    after = instance.status if update_fields is None or "status" in update_fields else before
    published = Article.Status.PUBLISHED
    if after == published and before != published:
        article_published.send(sender=Article, article=instance)
    elif before == published and after != published:
        article_unpublished.send(sender=Article, article=instance)
    else:
        content_changed.send(sender=Article, instance=instance)


def article_deleted(sender, instance, **kwargs):
    """post_delete of Article: a published article is unpublished; any other, changed."""
    if instance.__dict__.get("status") == Article.Status.PUBLISHED:
        article_unpublished.send(sender=Article, article=instance)
    else:
        content_changed.send(sender=Article, instance=instance)


def content_saved(sender, instance, **kwargs):
    """post_save and post_delete of the other content models."""
    content_changed.send(sender=sender, instance=instance)


def links_changed(sender, instance, action, **kwargs):
    """m2m_changed of tags, bylines and related articles, once the rows are written."""
    if action.startswith("post_"):
        content_changed.send(sender=sender, instance=instance)


def admin_logged(sender, instance, created=False, **kwargs):
    """post_save of an admin log entry about content: content changed.

    For admin actions that change rows without a model signal. A deletion is logged
    before the rows go, whose post_delete follows: nothing to add for it.
    """
    if not created or instance.action_flag == DELETION or instance.content_type_id is None:
        return
    model = ContentType.objects.get_for_id(instance.content_type_id).model_class()
    if model is Article or model in content_models():
        content_changed.send(sender=LogEntry, instance=instance)


def connect():
    """Connect every receiver of the app (idempotent: each has a dispatch_uid)."""
    # Before a save: the input policy, the slug policy, the status an article had.
    for model in WITH_TEXT:
        pre_save.connect(apply_before_save, sender=model, dispatch_uid="input-policy")
    for model in WITH_SLUG:
        pre_save.connect(models.slug_before_save, sender=model, dispatch_uid="slug-policy")
    pre_save.connect(tagging.before_tag_save, sender=Tag, dispatch_uid="tag-policy")
    post_save.connect(tagging.after_tag_save, sender=Tag, dispatch_uid="tag-policy")
    pre_save.connect(article_saving, sender=Article, dispatch_uid="articles:events")

    # Model signals, per model, become domain events.
    post_save.connect(article_saved, sender=Article, dispatch_uid="articles:events")
    post_delete.connect(article_deleted, sender=Article, dispatch_uid="articles:events")
    for model in content_models():
        post_save.connect(content_saved, sender=model, dispatch_uid="articles:events")
        post_delete.connect(content_saved, sender=model, dispatch_uid="articles:events")
    for model in (Article, *content_models()):
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(links_changed, sender=through, dispatch_uid="articles:events")
    post_save.connect(admin_logged, sender=LogEntry, dispatch_uid="articles:events")

    # The domain events' receivers.
    for event in (article_published, article_unpublished, content_changed):
        event.connect(caching.forget_pages, dispatch_uid="articles:pagecache")
    for event in (article_published, article_unpublished, content_changed, content_written):
        event.connect(
            readership.forget_most_read, sender=Article, dispatch_uid="articles:most-read"
        )
    content_changed.connect(
        sections.forget_section_tree, sender=models.Section, dispatch_uid="articles:section-tree"
    )
    content_written.connect(derived.bulk_written, sender=Article, dispatch_uid="articles:derived")

    # Renditions of images loaded raw; read counts; search on SQLite.
    post_save.connect(derived.image_loaded, sender=models.Image, dispatch_uid="articles:renditions")
    post_delete.connect(
        renditions.photo_deleted, sender=models.Image, dispatch_uid="articles:photo-files"
    )
    request_finished.connect(readership.flush_when_due, dispatch_uid="articles:read-counts")
    connection_created.connect(search.register_sqlite_functions, dispatch_uid="articles:search")
