"""Image renditions: several widths in WebP and JPEG, made once when an image is saved.

Pages only read the stored list (URLs and sizes); no page view ever opens a photo.
`manage.py make_renditions` rebuilds them for images saved before a width was added.
"""

from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as PILImage
from PIL import ImageOps


def rendition_widths(original_width):
    widths = [w for w in settings.RENDITION_WIDTHS if w < original_width]
    # The original width, when smaller than the largest rendition, is the last step.
    if original_width and original_width <= settings.RENDITION_WIDTHS[-1]:
        widths.append(original_width)
    return widths or [settings.RENDITION_WIDTHS[0]]


def _encode(picture, fmt):
    buffer = BytesIO()
    if fmt == "webp":
        picture.save(buffer, "WEBP", quality=78, method=4)
    else:
        picture.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    return buffer.getvalue()


def make_renditions(image):
    """Write the renditions of `image` and return their list (what the model stores)."""
    with image.file.open("rb") as handle, PILImage.open(handle) as source:
        source = ImageOps.exif_transpose(source).convert("RGB")
        renditions = []
        for width in rendition_widths(source.width):
            height = round(source.height * width / source.width)
            picture = source.resize((width, height), PILImage.Resampling.LANCZOS)
            entry = {"width": width, "height": height}
            for fmt in ("webp", "jpeg"):
                name = f"renditions/{image.pk}/{width}.{'jpg' if fmt == 'jpeg' else fmt}"
                if default_storage.exists(name):
                    default_storage.delete(name)
                saved = default_storage.save(name, ContentFile(_encode(picture, fmt)))
                entry[f"url_{fmt}"] = default_storage.url(saved)
            renditions.append(entry)
    return renditions
