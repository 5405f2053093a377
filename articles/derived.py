"""Derived data stays right after every kind of write.

What is derived from the content, and what keeps it right:

- **Search vectors** (PostgreSQL): the database itself. Triggers (migration 0009)
  recompute an article's vector when its text or its tags change, whoever writes: a
  save, `bulk_create`, `update()`, `loaddata`, a restored revision, SQL in a management
  command or in `dbshell`. Nothing to call.
- **Renditions**: `Image.save()` makes them for a new or changed file. Writes that
  bypass it go through `refresh_renditions()`: the content querysets'
  `bulk_create()` and `update(file=…)` (articles.models.ContentQuerySet), an image
  loaded by `loaddata` (the receiver below), `manage.py make_renditions`.
- **Section paths, depths and full names**: `Section.save()`, which saves the
  subsections again after a rename or a move; rows loaded by `loaddata` are completed
  by `articles.models.slug_before_save`.
- **Cached pages and the cached section tree**: the domain events that model signals
  become (articles.signals, articles.events); every write that sends no signal calls
  `content_written()`, the one entry point: the content querysets' `update()`,
  `bulk_create()` and `bulk_update()`, the demo seed (taggit's and the many-to-many
  tables), management commands that write with SQL.

Code that writes content tables some other way (raw SQL, another app's bulk writes)
calls `content_written()` after it. docs/search.md lists the write paths and their tests.
"""

import logging

from django.conf import settings
from django.db import models

from articles.discovery.sections import forget_section_tree
from articles.media.renditions import make_crops, make_renditions, rendition_widths
from articles.models import Image
from newsportal.pagecache import content_changed

logger = logging.getLogger(__name__)


def refresh_after_write(image_ids=()):
    """Bring every cache derived from content up to date after a write without signals
    (called by the articles.events.content_written receiver; writers call
    articles.models.content_written()).

    `image_ids`: images whose file was written, whose renditions are made again first.
    Starts a new page-cache generation (again once the transaction commits) and forgets
    the cached section tree. Never raises for a missing image file (logged instead).
    """
    if image_ids:
        refresh_renditions(Image.objects.filter(pk__in=list(image_ids)))
    forget_section_tree()
    content_changed()


def refresh_renditions(images, stale_only=False, on_error=None):
    """Make the renditions and focal-point crops of `images` (a queryset of Image)
    again and store them.

    With `stale_only`, images whose renditions already have the current widths and
    whose crops have every ratio of settings.RENDITION_RATIOS are skipped. A missing
    or unreadable file is reported to `on_error(image, error)` (or logged) and does
    not stop the others. Writes with a plain UPDATE and tells no
    cache: callers call articles.models.content_written() afterwards.
    Returns (done, skipped, failed) counts.
    """
    done = skipped = failed = 0
    for image in images.order_by("pk").iterator(chunk_size=100):
        if stale_only and _current(image):
            skipped += 1
            continue
        try:
            renditions = make_renditions(image)
            crops = make_crops(image)
        except (OSError, ValueError) as error:
            failed += 1
            if on_error is not None:
                on_error(image, error)
            else:
                logger.warning("renditions of image #%s (%s): %s", image.pk, image.file, error)
            continue
        models.QuerySet.update(
            Image.objects.filter(pk=image.pk),
            renditions=renditions,
            crops=crops,
            renditions_pending=False,
        )
        done += 1
    return done, skipped, failed


def _current(image):
    """Whether `image` has renditions of the current widths and every ratio's crops."""
    widths = [r["width"] for r in image.renditions] == rendition_widths(image.width)
    return widths and set(image.crops or {}) >= set(settings.RENDITION_RATIOS)


def bulk_written(sender, image_ids=(), **kwargs):
    """A content queryset wrote without model signals (articles.events.content_written)."""
    refresh_after_write(image_ids=image_ids)


def image_loaded(sender, instance, raw=False, **kwargs):
    """An image written by `loaddata` (a raw save skips Image.save): make its renditions."""
    if raw:
        refresh_renditions(Image.objects.filter(pk=instance.pk))
