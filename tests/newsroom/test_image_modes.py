"""Renditions look like the original whatever mode Pillow opens it in (pixel values).

Each case builds a real file, saves it as an Image (or uploads it through the admin)
and reads back the stored JPEG and WebP renditions: a 16-bit mid-grey stays mid-grey,
a transparent corner turns white, CMYK red stays red, a rotated photo stands upright.
"""

import struct
import zlib
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse_lazy
from PIL import Image as PILImage
from PIL import ImageStat

from articles.media.renditions import display_rgb
from articles.models import Image

pytestmark = pytest.mark.django_db

ADD = reverse_lazy("admin:articles_image_add")
WHITE, RED, BLUE = (255, 255, 255), (220, 20, 30), (20, 40, 210)
TOLERANCE = 8  # JPEG and lossy WebP move a flat colour by a few units


def encoded(picture, fmt, **params):
    buffer = BytesIO()
    picture.save(buffer, fmt, **params)
    return buffer.getvalue()


def logo(mode):
    """A 64 × 48 red square on a fully transparent background, in `mode`."""
    picture = PILImage.new("RGBA", (64, 48), (0, 0, 0, 0))
    picture.paste((*RED, 255), (16, 12, 48, 36))
    if mode == "LA":
        return picture.convert("LA")
    return picture


def palette_logo():
    """The same logo as a palette image whose index 0 (black) is transparent."""
    picture = PILImage.new("P", (64, 48), 0)
    picture.putpalette([0, 0, 0, *RED])
    picture.paste(1, (16, 12, 48, 36))
    return picture


def grey16(value):
    return PILImage.new("I;16", (64, 48), value)


def png_16_bit(colour_type, samples, size=(32, 24)):
    """A 16-bit PNG written by hand (Pillow writes 16 bits for greyscale only).

    `colour_type`: 0 grey, 2 RGB, 4 grey + alpha, 6 RGBA; `samples`: one pixel's values
    (0–65535), repeated over the image.
    """

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    width, height = size
    pixel = struct.pack(f">{len(samples)}H", *samples)
    rows = b"".join(b"\x00" + pixel * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 16, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def rotated_jpeg():
    """A 60 × 30 JPEG, red left half and blue right half, tagged "rotate 90° clockwise"."""
    picture = PILImage.new("RGB", (60, 30), BLUE)
    picture.paste(RED, (0, 0, 30, 30))
    exif = PILImage.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; show it rotated 90° clockwise
    return encoded(picture, "JPEG", quality=95, exif=exif)


def animated(fmt="GIF"):
    """Three frames, red then blue then white, in `fmt` (GIF, PNG = APNG, WEBP)."""
    frames = [PILImage.new("RGB", (64, 48), colour) for colour in (RED, BLUE, WHITE)]
    extra = {"lossless": True} if fmt == "WEBP" else {}
    return encoded(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, **extra)


def animated_gif():
    return animated("GIF")


def renditions_of(image):
    """Every stored rendition of `image`, decoded: [(format, PIL image), …]."""
    found = []
    for entry in image.renditions:
        for fmt, ext in (("jpeg", "jpg"), ("webp", "webp")):
            with default_storage.open(f"renditions/{image.pk}/{entry['width']}.{ext}") as f:
                picture = PILImage.open(f)
                picture.load()
            assert picture.mode == "RGB", f"{fmt} rendition is {picture.mode}"
            assert picture.size == (entry["width"], entry["height"])
            found.append((fmt, picture))
    assert found
    return found


def close(actual, expected, tolerance=TOLERANCE):
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def mean(picture):
    return tuple(round(v) for v in ImageStat.Stat(picture).mean)


def save_image(data, name):
    image = Image(file=ContentFile(data, name=name), alt_text="Logo", credit="Rédaction")
    image.save()
    return image


# (file bytes, file name, pixel (x, y) as a fraction of the size, expected colour)
CASES = {
    "16-bit grey PNG, mid-grey": (
        lambda: encoded(grey16(32768), "PNG"),
        "g.png",
        [((0.5, 0.5), (128, 128, 128))],
    ),
    "16-bit grey PNG, dark quarter": (
        lambda: encoded(grey16(16384), "PNG"),
        "g.png",
        [((0.5, 0.5), (64, 64, 64))],
    ),
    "16-bit grey PNG, white": (
        lambda: encoded(grey16(65535), "PNG"),
        "g.png",
        [((0.5, 0.5), WHITE)],
    ),
    "16-bit RGB PNG, mid-grey": (
        lambda: png_16_bit(2, (32768, 32768, 32768)),
        "g.png",
        [((0.5, 0.5), (128, 128, 128))],
    ),
    "16-bit RGB PNG, orange": (
        lambda: png_16_bit(2, (65535, 32768, 0)),
        "o.png",
        [((0.5, 0.5), (255, 128, 0))],
    ),
    "16-bit grey + alpha PNG, transparent": (
        lambda: png_16_bit(4, (0, 0)),
        "t.png",
        [((0.5, 0.5), WHITE)],
    ),
    "16-bit RGBA PNG, half-transparent black": (
        lambda: png_16_bit(6, (0, 0, 0, 32768)),
        "h.png",
        [((0.5, 0.5), (127, 127, 127))],
    ),
    "32-bit integer TIFF (I)": (
        lambda: encoded(PILImage.new("I", (64, 48), 32768), "TIFF"),
        "i.tif",
        [((0.5, 0.5), (128, 128, 128))],
    ),
    "floating-point TIFF (F), 0–1": (
        lambda: encoded(PILImage.new("F", (64, 48), 0.25), "TIFF"),
        "f.tif",
        [((0.5, 0.5), (64, 64, 64))],
    ),
    "RGBA PNG logo": (
        lambda: encoded(logo("RGBA"), "PNG"),
        "l.png",
        [((0.05, 0.05), WHITE), ((0.5, 0.5), RED)],
    ),
    "LA PNG logo": (
        lambda: encoded(logo("LA"), "PNG"),
        "l.png",
        [((0.05, 0.05), WHITE), ((0.5, 0.5), (76, 76, 76))],
    ),
    "RGBA WebP logo": (
        lambda: encoded(logo("RGBA"), "WEBP", lossless=True),
        "l.webp",
        [((0.05, 0.05), WHITE), ((0.5, 0.5), RED)],
    ),
    "P PNG with a transparent index": (
        lambda: encoded(palette_logo(), "PNG", transparency=0),
        "p.png",
        [((0.05, 0.05), WHITE), ((0.5, 0.5), RED)],
    ),
    "P GIF with a transparent index": (
        lambda: encoded(palette_logo(), "GIF", transparency=0),
        "p.gif",
        [((0.05, 0.05), WHITE), ((0.5, 0.5), RED)],
    ),
    "P PNG without transparency": (
        lambda: encoded(palette_logo(), "PNG"),
        "p.png",
        [((0.05, 0.05), (0, 0, 0)), ((0.5, 0.5), RED)],
    ),
    "grey PNG with a transparent grey level": (
        lambda: encoded(PILImage.new("L", (64, 48), 0), "PNG", transparency=0),
        "t.png",
        [((0.5, 0.5), WHITE)],
    ),
    "1-bit PNG": (
        lambda: encoded(PILImage.new("1", (64, 48), 1), "PNG"),
        "b.png",
        [((0.5, 0.5), WHITE)],
    ),
    "8-bit grey JPEG": (
        lambda: encoded(PILImage.new("L", (64, 48), 128), "JPEG", quality=95),
        "l.jpg",
        [((0.5, 0.5), (128, 128, 128))],
    ),
    "CMYK JPEG": (
        lambda: encoded(PILImage.new("CMYK", (64, 48), (0, 255, 255, 0)), "JPEG", quality=95),
        "c.jpg",
        [((0.5, 0.5), (255, 0, 0))],
    ),
    "RGB JPEG": (
        lambda: encoded(PILImage.new("RGB", (64, 48), BLUE), "JPEG", quality=95),
        "r.jpg",
        [((0.5, 0.5), BLUE)],
    ),
    "animated GIF (first frame)": (animated_gif, "a.gif", [((0.5, 0.5), RED)]),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_rendition_pixels_match_the_original(case):
    make, name, expectations = CASES[case]
    image = save_image(make(), name)
    for fmt, picture in renditions_of(image):
        for (fx, fy), expected in expectations:
            x, y = int(picture.width * fx), int(picture.height * fy)
            actual = picture.getpixel((x, y))
            assert close(actual, expected), f"{fmt} at {x},{y}: {actual} ≠ {expected}"


def test_16_bit_gradient_keeps_its_tones():
    # A left-to-right 16-bit ramp, black to white: the mean is mid-grey, the ends stay
    # dark and light.
    ramp = PILImage.linear_gradient("L").rotate(90).resize((256, 64))  # 0 → 255
    picture = ramp.convert("I").point(lambda v: v * 257).convert("I;16")
    assert picture.getextrema() == (0, 65535)
    image = save_image(encoded(picture, "PNG"), "ramp.png")
    for fmt, rendition in renditions_of(image):
        grey = rendition.convert("L")
        assert abs(mean(grey)[0] - 128) <= 4, fmt
        assert grey.getpixel((1, 10)) < 15, fmt
        assert grey.getpixel((grey.width - 2, 10)) > 240, fmt


def test_exif_rotated_photo_stands_upright():
    image = save_image(rotated_jpeg(), "turned.jpg")
    assert (image.renditions[0]["width"], image.renditions[0]["height"]) == (30, 60)
    for fmt, picture in renditions_of(image):
        # Turned 90° clockwise, the red left half is now on top.
        assert close(picture.getpixel((15, 8)), RED, 12), fmt
        assert close(picture.getpixel((15, 52)), BLUE, 12), fmt


@pytest.mark.parametrize(
    ("mode", "value", "expected"),
    [
        ("YCbCr", (128, 128, 128), (128, 128, 128)),
        ("YCbCr", (76, 85, 255), (255, 0, 0)),
        ("HSV", (0, 255, 255), (255, 0, 0)),
        ("LAB", (255, 128, 128), WHITE),
        ("RGBa", (0, 0, 0, 0), WHITE),
        ("La", (0, 0), WHITE),
        ("PA", (0, 0), WHITE),
        ("I;16B", 32768, (128, 128, 128)),
        ("I;16L", 8192, (32, 32, 32)),
        ("I", 65535, WHITE),
        ("I", -1000, (0, 0, 0)),
        ("F", 0.5, (128, 128, 128)),
        ("F", 200.0, (200, 200, 200)),
    ],
)
def test_every_mode_becomes_rgb_that_looks_the_same(mode, value, expected):
    out = display_rgb(PILImage.new(mode, (8, 8), value))
    assert out.mode == "RGB"
    assert close(out.getpixel((4, 4)), expected, 3), out.getpixel((4, 4))


@pytest.mark.parametrize("level", [0, 40000, 65535])
def test_16_bit_grey_png_with_a_transparent_level_is_shown_on_white(level):
    # A 16-bit greyscale PNG may name one grey level transparent (its tRNS chunk): the
    # logo's pixels of that level are background, the others keep their tone.
    picture = PILImage.new("I", (64, 48), level)
    picture.paste(32768, (32, 0, 64, 48))
    picture = picture.convert("I;16")
    image = save_image(encoded(picture, "PNG", transparency=level), "t16.png")
    for fmt, rendition in renditions_of(image):
        assert close(rendition.getpixel((8, 24)), WHITE), fmt
        assert close(rendition.getpixel((56, 24)), (128, 128, 128)), fmt


def test_wide_range_integer_image_is_stretched_not_clipped():
    picture = PILImage.new("I", (10, 4), -70000)
    picture.paste(200000, (5, 0, 10, 4))
    out = display_rgb(picture)
    assert out.getpixel((1, 1)) == (0, 0, 0)
    assert out.getpixel((8, 1)) == WHITE


# Uploads through the admin: what is stored, and what the editor is told.


@pytest.fixture
def logged_in(client, journalist):
    client.force_login(journalist)
    return client


def upload(client, name, content, content_type):
    return client.post(
        ADD,
        {
            "file": SimpleUploadedFile(name, content, content_type=content_type),
            "alt_text": "Le logo du journal",
            "caption": "",
            "credit": "Rédaction",
        },
        follow=True,
    )


def warnings_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)] or [
        str(m) for m in response.context["messages"]
    ]


@pytest.mark.parametrize(
    ("name", "fmt", "content_type"),
    [
        ("anim.gif", "GIF", "image/gif"),
        ("anim.png", "PNG", "image/png"),
        ("anim.webp", "WEBP", "image/webp"),
    ],
)
def test_animation_upload_tells_the_editor_it_becomes_a_still(logged_in, name, fmt, content_type):
    response = upload(logged_in, name, animated(fmt), content_type)
    assert response.status_code == 200
    image = Image.objects.get()
    messages = " ".join(warnings_of(response))
    assert "animated (3 frames)" in messages
    assert "first frame" in messages
    for _fmt, picture in renditions_of(image):
        assert close(picture.getpixel((32, 24)), RED)


def test_the_file_field_says_what_happens_to_animations(logged_in):
    form = logged_in.get(ADD).text
    assert "Pages show an animation as a still (its first frame)" in form


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("logo.png", lambda: encoded(logo("RGBA"), "PNG"), "image/png"),
        ("logo.gif", lambda: encoded(palette_logo(), "GIF", transparency=0), "image/gif"),
        ("logo.webp", lambda: encoded(logo("RGBA"), "WEBP", lossless=True), "image/webp"),
        (
            "grey16.png",
            lambda: encoded(PILImage.new("I;16", (64, 48), 40000), "PNG", transparency=40000),
            "image/png",
        ),
    ],
)
def test_transparent_upload_is_shown_on_white_and_the_editor_told(
    logged_in, name, data, content_type
):
    response = upload(logged_in, name, data(), content_type)
    assert "shown on white" in " ".join(warnings_of(response))
    image = Image.objects.get()
    for fmt, picture in renditions_of(image):
        assert close(picture.getpixel((2, 2)), WHITE), fmt


def test_plain_photo_upload_has_no_warning(logged_in):
    response = upload(
        logged_in, "photo.jpg", encoded(PILImage.new("RGB", (64, 48), BLUE), "JPEG"), "image/jpeg"
    )
    text = " ".join(warnings_of(response))
    assert "animated" not in text and "on white" not in text
    assert Image.objects.count() == 1


def test_16_bit_png_upload_keeps_16_bits_and_renders_mid_grey(logged_in):
    upload(logged_in, "scan.png", encoded(grey16(32768), "PNG"), "image/png")
    image = Image.objects.get()
    with image.file.open("rb") as handle, PILImage.open(handle) as stored:
        assert stored.mode.startswith("I")
    for fmt, picture in renditions_of(image):
        assert close(mean(picture), (128, 128, 128), 3), fmt


def test_cmyk_jpeg_upload_is_stored_as_rgb_with_its_colours(logged_in):
    cmyk = encoded(PILImage.new("CMYK", (64, 48), (0, 255, 255, 0)), "JPEG", quality=95)
    upload(logged_in, "print.jpg", cmyk, "image/jpeg")
    image = Image.objects.get()
    with image.file.open("rb") as handle, PILImage.open(handle) as stored:
        assert stored.mode == "RGB"
        assert close(stored.getpixel((32, 24)), (255, 0, 0))
