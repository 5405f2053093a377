"""Renditions of large uploads, made by a background task.

`Image.save()` makes the renditions of a small upload in the request, so the editor sees
them at once. An upload of more than settings.RENDITIONS_IN_BACKGROUND_FROM_BYTES bytes
is saved with `renditions_pending` set and no renditions; the event
articles.events.renditions_wanted, heard below, queues this task once the save commits.
Until it has run, pages print the photo as they print any image without renditions
(articles.media.renditions.RenditionSet is empty: no <picture>, the caption stays), and
the admin says « Déclinaisons en préparation ». A task that fails (an unreadable file,
storage down) is run again (newsportal.tasks.retried).
"""

from django.db import models
from django.tasks import task

from articles.media.renditions import make_crops, make_renditions
from articles.models import Image, content_written
from newsportal.tasks import after_commit, retried


def renditions_wanted(sender, image_id, **kwargs):
    """Receiver of articles.events.renditions_wanted: queue `make_image_renditions`
    for image `image_id` (an int) once the current transaction commits."""
    after_commit(make_image_renditions, image_id)


@retried
@task
def make_image_renditions(image_id):
    """Make and store the renditions and focal-point crops of image `image_id` (an int),
    then make the pages that show it stale. Returns the number of renditions made (0
    when the image is gone or its renditions are no longer pending). Raises OSError
    when the file is missing or cannot be decoded (the task is then run again)."""
    image = Image.objects.filter(pk=image_id, renditions_pending=True).first()
    if image is None:
        return 0
    renditions = make_renditions(image)
    crops = make_crops(image)
    # Written as the file it was made from is still the image's (a newer upload has
    # enqueued its own task), without Image.save(), which would make them again.
    models.QuerySet.update(
        Image.objects.filter(pk=image.pk, file=image.file.name),
        renditions=renditions,
        crops=crops,
        renditions_pending=False,
    )
    content_written()
    return len(renditions)
