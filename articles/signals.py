"""The articles app's domain events.

- `content_written(sender, image_ids)`: content was written by a path that sends no
  model signal (a queryset's `update()` or `bulk_create()`, SQL in a command). Sent by
  articles.models.ContentQuerySet; articles.derived brings caches and renditions up
  to date. `image_ids`: the images whose file was written (a list of ints, maybe empty).
"""

from django.dispatch import Signal

content_written = Signal()
