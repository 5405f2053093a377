"""Photo uploads through the admin: real files of each bad kind, and what is stored."""

import struct
import zlib
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse, reverse_lazy
from PIL import Image as PILImage

from articles.models import Image
from tests.factories import png_bytes

pytestmark = pytest.mark.django_db

ADD = reverse_lazy("admin:articles_image_add")


def encode(fmt, size=(64, 48), **params):
    buffer = BytesIO()
    PILImage.new("RGB", size, (10, 120, 200)).save(buffer, fmt, **params)
    return buffer.getvalue()


def png_with_header_size(width, height):
    """A tiny PNG whose header claims `width` × `height`: a decompression bomb's shape."""
    data = bytearray(png_bytes(1, 1))
    # IHDR is the first chunk: 8-byte signature, length, type, then width and height.
    data[16:24] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF
    data[29:33] = struct.pack(">I", crc)
    return bytes(data)


def upload(client, name, content, content_type="image/png"):
    return client.post(
        ADD,
        {
            "file": SimpleUploadedFile(name, content, content_type=content_type),
            "alt_text": "Le marché Dantokpa",
            "caption": "",
            "credit": "Rédaction",
        },
    )


@pytest.fixture
def logged_in(client, journalist):
    client.force_login(journalist)
    return client


def file_error(response):
    assert response.status_code == 200, "the form should come back with an error"
    assert Image.objects.count() == 0
    return " ".join(response.context["adminform"].form.errors["file"])


def test_decompression_bomb_is_refused_before_decoding(logged_in):
    # 100 000 × 100 000 pixels claimed: Pillow itself would refuse to open it.
    response = upload(logged_in, "bomb.png", png_with_header_size(100_000, 100_000))
    assert "The image is too big" in file_error(response)


def test_image_over_our_pixel_limit_is_refused(logged_in, settings):
    # Below Pillow's own limit (where it only warns), above ours.
    settings.MAX_IMAGE_PIXELS = 1_000_000
    response = upload(logged_in, "big.png", png_with_header_size(2000, 1000))
    error = file_error(response)
    assert "2000 × 1000 pixels" in error
    assert "the limit is 1 megapixels" in error


def test_truncated_file_is_refused(logged_in):
    jpeg = encode("JPEG", size=(400, 300))
    response = upload(logged_in, "cut.jpg", jpeg[: len(jpeg) // 2], "image/jpeg")
    assert "truncated or damaged" in file_error(response)


def test_html_renamed_jpg_is_refused(logged_in):
    page = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
    response = upload(logged_in, "photo.jpg", page, "image/jpeg")
    assert "not an image" in file_error(response)


@pytest.mark.parametrize("name", ["logo.svg", "logo.png"])
def test_svg_with_script_is_refused(logged_in, name):
    svg = (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script></svg>"
    )
    response = upload(logged_in, name, svg, "image/svg+xml")
    assert "SVG drawings are not accepted" in file_error(response)


def test_other_formats_are_refused(logged_in):
    response = upload(logged_in, "scan.bmp", encode("BMP"), "image/bmp")
    assert "not an image we can read (JPEG, PNG, WebP or GIF)" in file_error(response)


def test_oversized_file_is_refused(logged_in, settings):
    settings.MAX_IMAGE_BYTES = 10_000
    noisy = PILImage.effect_noise((200, 200), 100).convert("RGB")
    buffer = BytesIO()
    noisy.save(buffer, "PNG")
    assert len(buffer.getvalue()) > 10_000
    response = upload(logged_in, "noise.png", buffer.getvalue())
    assert "The file is too large" in file_error(response)


def test_gif_with_html_appended_is_stored_without_it(logged_in):
    gif = encode("GIF") + b"<html><script>alert(1)</script></html>"
    response = upload(logged_in, "anim.gif", gif, "image/gif")
    assert response.status_code == 302
    image = Image.objects.get()
    with image.file.open("rb") as handle:
        stored = handle.read()
    assert stored.startswith(b"GIF8")
    assert b"<script" not in stored
    assert image.file.name.endswith(".gif")


def test_upload_is_stored_under_a_generated_name(logged_in, media_root):
    response = upload(logged_in, "../../x.png", png_bytes(640, 480))
    assert response.status_code == 302
    image = Image.objects.get()
    assert ".." not in image.file.name
    assert "x.png" not in image.file.name
    assert image.file.name.startswith("images/")
    path = (media_root / image.file.name).resolve()
    assert path.is_file()
    assert media_root.resolve() in path.parents
    assert (image.width, image.height) == (640, 480)
    assert image.renditions  # made once, on save


def test_exif_is_stripped_and_rotation_applied(logged_in):
    exif = PILImage.Exif()
    exif[0x010F] = "Canon"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x8825] = {2: (6.0, 22.0, 0.0)}  # GPS latitude
    jpeg = encode("JPEG", size=(300, 200), exif=exif)
    response = upload(logged_in, "gps.jpg", jpeg, "image/jpeg")
    assert response.status_code == 302
    image = Image.objects.get()
    with image.file.open("rb") as handle:
        data = handle.read()
    with PILImage.open(BytesIO(data)) as stored:
        assert not stored.getexif()
        assert stored.size == (200, 300)
    assert b"Canon" not in data


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
def test_each_accepted_format_uploads(logged_in, fmt):
    response = upload(logged_in, f"photo.{fmt.lower()}", encode(fmt), f"image/{fmt.lower()}")
    assert response.status_code == 302
    assert Image.objects.get().file.name.endswith(
        {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}[fmt]
    )


def test_alt_text_that_is_a_file_name_is_refused(logged_in):
    response = logged_in.post(
        ADD,
        {
            "file": SimpleUploadedFile("IMG_2041.jpg", encode("JPEG"), content_type="image/jpeg"),
            "alt_text": "IMG_2041.jpg",
            "credit": "Rédaction",
        },
    )
    assert response.status_code == 200
    assert "This is a file name" in " ".join(response.context["adminform"].form.errors["alt_text"])


def test_journalist_changes_own_uploads_until_published(client, journalist, other_journalist):
    from tests.factories import ArticleFactory, ImageFactory

    mine = ImageFactory(uploaded_by=journalist)
    theirs = ImageFactory(uploaded_by=other_journalist)
    client.force_login(journalist)

    def change(image):
        return reverse("admin:articles_image_change", args=[image.pk])

    assert 'name="alt_text"' in client.get(change(mine)).text
    assert 'name="alt_text"' not in client.get(change(theirs)).text
    # Another journalist's photo under embargo is not in their library at all.
    response = client.post(change(theirs), {"alt_text": "Vandalisé", "credit": "X"})
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.alt_text != "Vandalisé"
    ArticleFactory(hero_image=mine)  # published
    assert 'name="alt_text"' not in client.get(change(mine)).text


def test_uploader_is_recorded(logged_in, journalist):
    assert upload(logged_in, "photo.png", png_bytes(100, 80)).status_code == 302
    assert Image.objects.get().uploaded_by == journalist


def test_camera_mpo_jpeg_is_stored_as_jpeg(logged_in):
    frame = PILImage.new("RGB", (64, 48), (200, 100, 0))
    buffer = BytesIO()
    frame.save(buffer, "MPO", save_all=True, append_images=[frame])
    response = upload(logged_in, "IMG_0001.JPG", buffer.getvalue(), "image/jpeg")
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.file.name.endswith(".jpg")
    with image.file.open("rb") as handle, PILImage.open(BytesIO(handle.read())) as stored:
        assert stored.format == "JPEG"
