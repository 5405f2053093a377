"""The articles app's domain events: what happened to the content, for whoever keeps
something derived from it. articles.signals sends them (from the model signals) and
connects their receivers; this module imports nothing of the app, so that the models
can send `content_written` without an import cycle.

Every save or delete of content sends exactly one of the first three:

- `article_published(sender=Article, article)`: an article's status became published
  (live now, or scheduled: `published_at` in the future). It was new, a draft or in
  review.
- `article_unpublished(sender=Article, article)`: a published (or scheduled) article
  went back to draft or review, or was deleted.
- `content_changed(sender, instance)`: anything else readers may see was saved or
  deleted. `sender` is the model: an article (edited, or a draft saved), a section,
  author, photo, ad slot, correction, old address, tag; a link between content
  (`sender` the through model of tags, bylines or related articles, `instance` the
  side whose manager changed); an admin log entry about content
  (`django.contrib.admin.models.LogEntry`), since an admin action may change rows
  without a model signal.
- `content_written(sender=Article, image_ids)`: content was written by a path that
  sends no model signal (a queryset's `update()` or `bulk_create()`, SQL in a
  command); what changed is unknown. Sent by articles.models.ContentQuerySet.
  `image_ids`: the images whose file was written (a list of ints, maybe empty).

Besides those, `renditions_wanted(sender=Image, image_id)`: a large upload was saved
without renditions (articles.models.Image.save); its receiver (articles.media.tasks)
queues the background task that makes them, once the transaction commits.

And `demo_loaded(sender=Article, articles, now)`: `manage.py seed_demo` loaded the demo
articles (`articles`, a list of Article; `now`, the aware datetime of the load); other
apps add their own demo content (comments.demo).

Receivers run inside the writer's transaction; those that keep a cache run again once
it commits (newsportal.pagecache.now_and_on_commit).
"""

from django.dispatch import Signal

article_published = Signal()
article_unpublished = Signal()
content_changed = Signal()
content_written = Signal()
renditions_wanted = Signal()
demo_loaded = Signal()
