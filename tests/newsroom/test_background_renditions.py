"""Renditions of large uploads are made by a background task (articles/media/tasks.py);
small uploads keep getting theirs in the request, shown at once."""

from io import BytesIO, StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.tasks import TaskResultStatus
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage

from articles.models import Image
from tests.factories import ArticleFactory, ImageFactory, png_bytes
from tests.taskqueue import queued, run_worker, use_database_queue

pytestmark = pytest.mark.django_db(transaction=True)

TASK = "articles.media.tasks.make_image_renditions"


def noisy_png(width=900, height=600):
    """A PNG that does not compress (random pixels): well over 1 kB."""
    import os

    buffer = BytesIO()
    PILImage.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def large_from_100_kb(settings):
    use_database_queue(settings)
    settings.RENDITIONS_IN_BACKGROUND_FROM_BYTES = 100_000


def upload(client, content):
    return client.post(
        reverse("admin:articles_image_add"),
        {
            "file": SimpleUploadedFile("photo.png", content, content_type="image/png"),
            "alt_text": "Le marché Dantokpa",
            "caption": "Au marché",
            "credit": "Rédaction",
        },
    )


def test_a_large_upload_answers_before_its_renditions_exist_and_pages_still_work(
    client, journalist
):
    client.force_login(journalist)
    content = noisy_png()
    assert len(content) > 100_000

    response = upload(client, content)

    assert response.status_code == 302
    image = Image.objects.get()
    assert image.renditions_pending and image.renditions == [] and image.crops == {}
    [row] = queued(TASK)
    assert row.status == TaskResultStatus.READY and row.args_kwargs["args"] == [image.pk]

    # The newsroom sees why there is no photo yet, in French and in English.
    for url in ("/admin/articles/image/", f"/admin/articles/image/{image.pk}/change/"):
        assert "Déclinaisons en préparation" in client.get(url).text
    for url in ("/en/admin/articles/image/", f"/en/admin/articles/image/{image.pk}/change/"):
        assert "Renditions being prepared" in client.get(url).text

    # A published article showing it: its page works, without a picture of it yet.
    article = ArticleFactory(hero_image=image)
    reader = Client()  # anonymous: the page is cached whole
    page = reader.get(article.get_absolute_url())
    assert page.status_code == 200
    assert f"renditions/{image.pk}/" not in page.text
    assert "Au marché" in page.text  # the caption is printed

    run_worker()

    image.refresh_from_db()
    assert not image.renditions_pending
    assert [r["width"] for r in image.renditions] == [360, 720, 900]
    assert set(image.crops) == {"16:9", "3:2"}
    assert queued(TASK)[0].status == TaskResultStatus.SUCCESSFUL
    # The cached page changes at once.
    page = reader.get(article.get_absolute_url())
    assert f"renditions/{image.pk}/" in page.text
    assert "Déclinaisons en préparation" not in client.get("/admin/articles/image/").text


def test_a_small_upload_has_its_renditions_in_the_request(client, journalist):
    client.force_login(journalist)

    response = upload(client, png_bytes(640, 480))

    assert response.status_code == 302
    image = Image.objects.get()
    assert not image.renditions_pending
    assert [r["width"] for r in image.renditions] == [360, 640]
    assert queued(TASK) == []


def test_a_rolled_back_upload_queues_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        ImageFactory(file=ContentFile(noisy_png(), name="photo.png"))
        raise RuntimeError("the save is undone")

    assert not Image.objects.exists()
    assert queued(TASK) == []


def test_editing_a_pending_photo_does_not_make_its_renditions_in_the_request():
    image = ImageFactory(file=ContentFile(noisy_png(), name="photo.png"))
    image.caption = "Une autre légende"
    image.focal_x = 0.2
    image.save()

    image.refresh_from_db()
    assert image.renditions_pending and image.renditions == []
    assert len(queued(TASK)) == 1

    run_worker()

    image.refresh_from_db()
    assert image.renditions and not image.renditions_pending
    assert "-20-50-" in image.crops["3:2"][0]["url_jpeg"]  # cut around the new focal point


def test_a_photo_deleted_before_the_worker_runs_is_skipped():
    image = ImageFactory(file=ContentFile(noisy_png(), name="photo.png"))
    image.delete()

    run_worker()

    [row] = queued(TASK)
    assert row.status == TaskResultStatus.SUCCESSFUL and row.return_value == 0


def test_a_missing_file_is_retried_then_left_failed(settings):
    settings.TASKS_MAX_ATTEMPTS = 2
    settings.TASKS_RETRY_SECONDS = 0
    image = ImageFactory(file=ContentFile(noisy_png(), name="photo.png"))
    image.file.storage.delete(image.file.name)

    run_worker()

    [row] = queued(TASK)
    assert row.status == TaskResultStatus.FAILED and len(row.worker_ids) == 2
    # Still said to be in preparation, nothing made (the row says why).
    assert Image.objects.values_list("renditions_pending", "renditions").get() == (True, [])
    assert "FileNotFoundError" in row.traceback


def test_make_renditions_also_makes_those_of_a_pending_photo():
    """The operator's command (e.g. for a photo whose task finally failed) ends the
    « in preparation » state; the queued task then finds nothing to do."""
    from django.core.management import call_command

    image = ImageFactory(file=ContentFile(noisy_png(), name="photo.png"))

    call_command("make_renditions", "--stale", stdout=StringIO())

    image.refresh_from_db()
    assert image.renditions and not image.renditions_pending
    run_worker()
    assert queued(TASK)[0].return_value == 0
