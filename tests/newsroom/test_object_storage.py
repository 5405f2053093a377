"""Photos in a bucket of an S3-compatible store (MEDIA_STORAGE=s3), against a real S3
server on 127.0.0.1 (moto's, the `s3_server` fixture), a new bucket per test.

Uploads, renditions, crops and deletes work as on the disk (the tests marked `both`
run on each storage); objects are private, and readers get photos through the site's
`/media/` addresses, under the embargo."""

import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from PIL import Image as PILImage

from articles.media import embargo
from articles.models import Article, Image
from articles.newsroom import publishing
from newsportal.settings import s3_media_storage
from tests.factories import ArticleFactory, ImageFactory, png_bytes
from tools.s3_server import ACCESS_KEY, REGION, SECRET_KEY

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


class Bucket:
    """A bucket of the test server and a look at it from outside the portal."""

    def __init__(self, server, name):
        self.server, self.name = server, name
        self.client = server.client()

    def keys(self):
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {item["Key"] for page in pages for item in page.get("Contents", [])}

    def read(self, key):
        answer = self.client.get_object(Bucket=self.name, Key=key)
        return answer["Body"].read(), answer["ContentType"]

    def unsigned_get(self, key):
        """The status of a plain GET of the object, as any browser could make."""
        try:
            with urllib.request.urlopen(f"{self.server.endpoint}/{self.name}/{key}") as answer:  # noqa: S310
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code


@pytest.fixture
def bucket(s3_server, settings):
    """Media in a new private bucket for this test (STORAGES["default"] switched; Django
    resets `default_storage` when STORAGES changes)."""
    name = s3_server.create_bucket(f"media-{uuid.uuid4().hex[:16]}")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_media_storage(name, s3_server.endpoint, REGION, ACCESS_KEY, SECRET_KEY),
    }
    embargo._answers.clear()
    yield Bucket(s3_server, name)
    embargo._answers.clear()


@pytest.fixture(params=["local", "s3"])
def stored(request, media_root):
    """The names the media storage holds, on the disk and in a bucket in turn."""
    if request.param == "s3":
        found = request.getfixturevalue("bucket")
        return found.keys
    return lambda: {
        path.relative_to(media_root).as_posix() for path in media_root.rglob("*") if path.is_file()
    }


def photo_names(image):
    """The storage names of a photo's original, renditions and crops."""
    entries = image.renditions + [e for crops in image.crops.values() for e in crops]
    names = {image.file.name}
    for entry in entries:
        names |= {
            entry[key].removeprefix(django_settings.MEDIA_URL) for key in ("url_jpeg", "url_webp")
        }
    return names


def upload(client, content, name="marche.png"):
    """Upload through the French admin's form."""
    with translation.override("fr"):
        address = reverse("admin:articles_image_add")
    return client.post(
        address,
        {
            "file": SimpleUploadedFile(name, content, content_type="image/png"),
            "alt_text": "Le marché Dantokpa",
            "caption": "",
            "credit": "Rédaction",
        },
    )


def read(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- Settings ----------------------------------------------------------------------------


def test_the_s3_variables_put_media_in_the_bucket_under_its_prefix(s3_server):
    """MEDIA_STORAGE=s3 and the S3_* variables alone (tools/s3_server.py's environ): a
    file the portal saves is an object under S3_PREFIX, addressed by /media/."""
    name = s3_server.create_bucket(f"media-{uuid.uuid4().hex[:16]}")
    environ = {**os.environ, **s3_server.environ(name), "S3_PREFIX": "site-fr/"}
    script = (
        "from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import default_storage as s\n"
        "saved = s.save('images/sonde.png', ContentFile(b'png'))\n"
        "print(type(s._wrapped).__name__, s.url(saved), s.exists(saved))\n"
    )
    result = subprocess.run(  # noqa: S603 - our interpreter, our manage.py
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "S3MediaStorage",
        "/media/images/sonde.png",
        "True",
    ]
    assert Bucket(s3_server, name).keys() == {"site-fr/images/sonde.png"}


def test_an_unknown_media_storage_stops_the_start():
    result = subprocess.run(  # noqa: S603 - our interpreter, our manage.py
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, "MEDIA_STORAGE": "ftp"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "MEDIA_STORAGE must be local or s3" in result.stderr


# --- Uploads, renditions, crops ----------------------------------------------------------


def test_an_admin_upload_lands_in_the_bucket_with_its_renditions_and_crops(
    client, journalist, bucket, media_root
):
    client.force_login(journalist)
    assert upload(client, png_bytes(1200, 800)).status_code == 302
    image = Image.objects.get()
    assert image.file.name.startswith("images/") and image.renditions and image.crops
    # Every file is an object of the bucket, nothing on the disk, and the addresses
    # pages print are the site's own.
    assert bucket.keys() == photo_names(image)
    assert len(bucket.keys()) > 10
    assert not media_root.exists()
    assert image.file.url == f"/media/{image.file.name}"
    assert all(e["url_jpeg"].startswith(f"/media/renditions/{image.pk}/") for e in image.renditions)
    data, content_type = bucket.read(image.file.name)
    assert content_type == "image/png"
    assert PILImage.open(BytesIO(data)).size == (1200, 800)
    assert (image.width, image.height) == (1200, 800)


def test_objects_are_private_a_plain_get_of_the_bucket_is_refused(bucket):
    image = ImageFactory()
    ArticleFactory(hero_image=image)  # published: public on the site, not in the bucket
    for key in photo_names(image):
        assert bucket.unsigned_get(key) == 403, key
    # Only a signed address opens one, for S3_URL_EXPIRES seconds; pages never print it.
    signed = default_storage.signed_url(image.file.name)
    assert "X-Amz-Expires=300" in signed and signed.startswith(bucket.server.endpoint)
    with urllib.request.urlopen(signed) as answer:  # noqa: S310 - the test server
        assert answer.read() == bucket.read(image.file.name)[0]
    # What a public object would answer: the test server does tell them apart.
    bucket.client.put_object_acl(Bucket=bucket.name, Key=image.file.name, ACL="public-read")
    assert bucket.unsigned_get(image.file.name) == 200


@pytest.mark.parametrize("stored", ["local", "s3"], indirect=True)
def test_moving_the_focal_point_replaces_the_crops(stored):
    image = ImageFactory(file=SimpleUploadedFile("p.png", png_bytes(1200, 800)))
    before = stored()
    assert before == photo_names(image)
    image.focal_x, image.focal_y = 0.1, 0.9
    image.save()
    after = stored()
    assert after == photo_names(image)
    old_crops = {name for name in before - after if "x" in name.rsplit("/", 1)[1].split("-")[0]}
    assert old_crops and not old_crops & after


@pytest.mark.parametrize("stored", ["local", "s3"], indirect=True)
def test_deleting_a_photo_deletes_its_files(
    stored, client, editor, django_capture_on_commit_callbacks
):
    kept = ImageFactory()
    image = ImageFactory()
    assert photo_names(image) <= stored()
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:articles_image_delete", args=[image.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Image.objects.filter(pk=image.pk).exists()
    assert stored() == photo_names(kept)


@pytest.mark.parametrize("stored", ["local", "s3"], indirect=True)
def test_a_new_file_replaces_the_old_one_in_the_storage(
    stored, client, editor, django_capture_on_commit_callbacks
):
    image = ImageFactory(file=SimpleUploadedFile("a.png", png_bytes(1600, 900)))
    old = image.file.name
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:articles_image_change", args=[image.pk]),
            {
                "file": SimpleUploadedFile("b.png", png_bytes(400, 300), content_type="image/png"),
                "alt_text": image.alt_text,
                "caption": "",
                "credit": "Rédaction",
                "focal_x": "0.5",
                "focal_y": "0.5",
            },
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    image.refresh_from_db()
    assert image.file.name != old
    # The old original and its wider renditions are gone: only the new photo's files.
    assert stored() == photo_names(image)


def test_make_renditions_rebuilds_them_in_the_bucket(bucket):
    image = ImageFactory(file=SimpleUploadedFile("p.png", png_bytes(1200, 800)))
    expected = photo_names(image)
    for key in expected - {image.file.name}:
        bucket.client.delete_object(Bucket=bucket.name, Key=key)
    Image.objects.filter(pk=image.pk).update(renditions=[], crops={})
    call_command("make_renditions")
    image.refresh_from_db()
    assert image.renditions and image.crops
    assert bucket.keys() == photo_names(image) == expected


# --- Readers -----------------------------------------------------------------------------


def test_a_reader_gets_a_published_photo_from_the_bucket_and_404_under_embargo(
    client, bucket, journalist, editor
):
    photo = ImageFactory(uploaded_by=journalist, file=SimpleUploadedFile("p.png", png_bytes()))
    article = ArticleFactory(
        hero_image=photo, status=Article.Status.DRAFT, published_at=None, owner=journalist
    )
    addresses = sorted(f"/media/{name}" for name in photo_names(photo))
    for address in addresses:
        assert client.get(address).status_code == 404, address
    # Its author previews it, never kept by a shared cache.
    client.force_login(journalist)
    preview = client.get(addresses[0])
    assert preview.status_code == 200 and "private" in preview["Cache-Control"]
    read(preview)
    client.logout()

    publishing.publish(article, editor)
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        name = address.removeprefix("/media/")
        data, content_type = bucket.read(name)
        assert read(response) == data
        assert response["Content-Type"] == content_type
        assert response["Content-Type"] in {"image/png", "image/jpeg", "image/webp"}
        assert response["Content-Length"] == str(len(data))
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        # The same bytes for every reader: the nginx recipe's micro-cache may keep it.
        assert "public" in response["Cache-Control"] and "s-maxage" in response["Cache-Control"]
    # A browser's copy is checked, not sent again.
    again = client.get(addresses[0], HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304

    publishing.unpublish(article, editor)
    assert client.get(addresses[0]).status_code == 404


def test_a_name_the_bucket_does_not_hold_is_404(client, bucket):
    image = ImageFactory()
    ArticleFactory(hero_image=image)
    bucket.client.delete_object(Bucket=bucket.name, Key=image.renditions[0]["url_jpeg"][7:])
    assert client.get(image.renditions[0]["url_jpeg"]).status_code == 404
    assert client.get(f"/media/renditions/{image.pk}/../../etc/passwd.jpg").status_code == 404
    served = client.get(image.renditions[0]["url_webp"])
    assert served.status_code == 200 and read(served)[:4] == b"RIFF"
    assert default_storage.exists(image.file.name)


def test_seed_demo_writes_its_photos_to_the_bucket(bucket, settings, monkeypatch, client):
    from articles import demo

    settings.RENDITION_WIDTHS = [360]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(demo, "PHOTO_SIZE", (480, 320))
    monkeypatch.setattr("articles.demo.load.PHOTO_SIZE", (480, 320))
    call_command("seed_demo", "--articles", "6", "--images", "2", stdout=StringIO())
    images = list(Image.objects.all())
    assert images
    assert bucket.keys() == set().union(*(photo_names(image) for image in images))
    shown = Article.objects.published().exclude(hero_image=None).first().hero_image
    response = client.get(shown.renditions[0]["url_jpeg"])
    assert response.status_code == 200 and read(response)[:2] == b"\xff\xd8"


@pytest.mark.parametrize("stored", ["local", "s3"], indirect=True)
def test_a_file_two_photos_share_stays_until_the_last_goes(
    stored, django_capture_on_commit_callbacks
):
    first = ImageFactory()
    second = Image.objects.create(file=first.file.name, alt_text="La même photo recadrée")
    with django_capture_on_commit_callbacks(execute=True):
        first.delete()
    assert stored() == photo_names(second)
    with django_capture_on_commit_callbacks(execute=True):
        second.delete()
    assert stored() == set()


def dead_store(settings, bucket):
    """Point the media storage at a port of 127.0.0.1 where nothing listens."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{closed.getsockname()[1]}"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_media_storage(bucket.name, dead, REGION, ACCESS_KEY, SECRET_KEY),
    }


def test_an_upload_while_the_store_does_not_answer_comes_back_with_a_french_error(
    client, journalist, bucket, settings
):
    dead_store(settings, bucket)
    client.force_login(journalist)
    response = upload(client, png_bytes(640, 480))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["file"]
    assert errors == [
        "Le stockage des photos ne répond pas pour l’instant : rien n’a été enregistré. "
        "Réessayez dans quelques minutes."
    ]
    assert "Le marché Dantokpa" in response.text  # what was typed is kept
    assert not Image.objects.exists()


def test_a_store_that_does_not_answer_gives_a_503_to_come_back_later(client, bucket, settings):
    image = ImageFactory()
    ArticleFactory(hero_image=image)
    address = image.renditions[0]["url_jpeg"]
    served = client.get(address)
    assert served.status_code == 200 and read(served)
    dead_store(settings, bucket)
    response = client.get(address)
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.OUTAGE_RETRY_AFTER)
    # No cache keeps it: the photo is back as soon as the store is.
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]
