"""Hostile uploads: refused with a clear error or re-encoded, in bounded memory; media
served as inert images and never from outside MEDIA_ROOT.

The refusals one by one, through the admin form, are in tests/newsroom/test_images.py
(decompression bomb, pixel limit, truncated, HTML renamed .jpg, SVG with script, GIF
with HTML appended, oversized, ../../x.png). Here: the same kinds, plus a real
100-megapixel PNG of a few KB and a 40 MB file, all through the validator in a fresh
process whose peak memory is measured; and how stored files are served.
"""

import json
import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from articles.models import Image, image_upload_to
from tests.factories import ArticleFactory, ImageFactory, png_bytes
from tests.newsroom.test_images import encode, png_with_header_size

ROOT = Path(__file__).resolve().parents[2]


def hundred_megapixel_png():
    """A real 10,000 × 10,000 PNG, one bit per pixel: about 12 KB on disk, 100 MP decoded."""
    buffer = BytesIO()
    PILImage.new("1", (10_000, 10_000), 0).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def hostile_files(folder):
    jpeg = encode("JPEG", size=(400, 300))
    files = {
        "bomb.png": png_with_header_size(100_000, 100_000),
        "hundred-megapixels.png": hundred_megapixel_png(),
        "truncated.jpg": jpeg[: len(jpeg) // 2],
        "page.jpg": b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        "drawing.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "anim.gif": encode("GIF") + b"<html><script>alert(1)</script></html>",
        "../../x.png": png_bytes(64, 48),
    }
    paths = {}
    for number, (name, content) in enumerate(files.items()):
        path = folder / f"upload-{number}"
        path.write_bytes(content)
        paths[name] = str(path)
    huge = folder / "huge.jpg"
    with huge.open("wb") as handle:  # 40 MB, most of it never read
        handle.write(jpeg)
        handle.seek(40 * 1024 * 1024)
        handle.write(b"\0")
    paths["huge.jpg"] = str(huge)
    return files, paths


# Run in a fresh process so that its peak RSS is this validation's and nothing else's.
VALIDATE = """
import json, resource, sys
import django
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from articles.media.images import validate_and_reencode

paths = json.loads(sys.argv[1])
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
results = {}
for name, path in paths.items():
    with open(path, "rb") as handle:
        upload = UploadedFile(handle, name=name, size=__import__("os").path.getsize(path))
        try:
            stored = validate_and_reencode(upload)
            results[name] = ["stored", stored.name, stored.read(8).hex()]
        except ValidationError as error:
            results[name] = ["refused", error.code, " ".join(error.messages)]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"results": results, "baseline_kb": baseline, "peak_kb": peak}))
"""


def test_hostile_uploads_are_refused_or_reencoded_in_bounded_memory(tmp_path):
    files, paths = hostile_files(tmp_path)
    assert len(files["hundred-megapixels.png"]) < 50_000
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsportal.settings"}
    result = subprocess.run(
        [sys.executable, "-c", VALIDATE, json.dumps(paths)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    results = report["results"]
    assert results["bomb.png"][:2] == ["refused", "too_many_pixels"]
    assert results["hundred-megapixels.png"][:2] == ["refused", "too_many_pixels"]
    assert "The image is too big" in results["hundred-megapixels.png"][2] or (
        "L’image est trop grande" in results["hundred-megapixels.png"][2]
    )
    assert results["truncated.jpg"][:2] == ["refused", "damaged"]
    assert results["page.jpg"][:2] == ["refused", "not_image"]
    assert results["drawing.svg"][:2] == ["refused", "svg"]
    assert results["huge.jpg"][:2] == ["refused", "too_large"]
    # Re-encoded: the GIF without what followed it, the PNG under a name of ours.
    assert results["anim.gif"][:2] == ["stored", "photo.gif"]
    assert results["../../x.png"][:2] == ["stored", "photo.png"]
    growth_mb = (report["peak_kb"] - report["baseline_kb"]) / 1024
    # Decoding the 100-megapixel PNG alone would take 100 MB or more (mode "L" after
    # any conversion); refusing from the header takes almost nothing.
    assert growth_mb < 40, f"peak memory grew by {growth_mb:.0f} MB"


@pytest.mark.django_db
def test_storage_and_upload_names_cannot_leave_media_root(media_root):
    for name in ("../../x.png", "/etc/passwd", "images/../../x.png", "..\\..\\x.png"):
        try:
            stored = default_storage.save(name, ContentFile(b"x"))
        except SuspiciousFileOperation:
            continue
        # Saved: then it is inside MEDIA_ROOT, under a cleaned name.
        assert media_root.resolve() in (media_root / stored).resolve().parents, stored
    with pytest.raises(SuspiciousFileOperation):
        default_storage.path("../../x.png")
    generated = Image._meta.get_field("file").generate_filename(None, "../../x.png")
    assert ".." not in generated and generated.startswith("images/")
    assert ".." not in image_upload_to(None, "x.png/../../../etc/passwd.png")


@pytest.mark.django_db
def test_admin_upload_named_dot_dot_lands_inside_media_root(client, media_root):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:articles_image_add"),
        {
            "file": SimpleUploadedFile("../../x.png", png_bytes(64, 48), "image/png"),
            "alt_text": "Le marché Dantokpa",
            "credit": "Rédaction",
        },
    )
    assert response.status_code == 302
    assert not (media_root.parent / "x.png").exists()
    assert not (media_root.parent.parent / "x.png").exists()
    image = Image.objects.get()
    assert (media_root / image.file.name).resolve().is_relative_to(media_root.resolve())


@pytest.mark.django_db
def test_uploaded_photos_are_served_as_inert_images(client):
    image = ImageFactory()
    ArticleFactory(hero_image=image)  # live: the photo is public
    response = client.get(image.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    b"".join(response.streaming_content)


@pytest.mark.django_db
def test_media_outside_images_or_outside_media_root_is_never_served(client, media_root):
    media_root.mkdir(parents=True, exist_ok=True)
    (media_root / "page.html").write_text("<script>alert(1)</script>")
    (media_root / "notes.svg").write_text("<svg><script>alert(1)</script></svg>")
    (media_root.parent / "secret.png").write_bytes(png_bytes(4, 4))
    for url in (
        "/media/page.html",
        "/media/notes.svg",
        "/media/../secret.png",
        "/media/%2e%2e/secret.png",
        "/media/..%2fsecret.png",
        "/media//etc/passwd.png",
    ):
        response = client.get(url)
        # 404, or 400 where Django refuses the path itself as suspicious.
        assert response.status_code in (400, 404), url
        assert not getattr(response, "streaming", False), url
