"""Image renditions: several widths in WebP and JPEG, made once when an image is saved.

Two kinds, both listed on the Image: `renditions` keep the original's ratio (social
cards, feeds, ads); `crops` are cut to the fixed ratios of settings.RENDITION_RATIOS
around the photo's focal point (the hero and the home page's lead in 16:9, cards in
3:2), so a portrait phone photo never makes a page tall. Crops are made again when the
focal point moves.

Pages only read the stored list (URLs and sizes); no page view ever opens a photo.
`manage.py make_renditions` rebuilds them for images saved before a width was added.

Every rendition is 8-bit sRGB without transparency, made by `display_rgb()` from
whatever mode Pillow opened the original in (the policy is in docs/images.md):

- transparency (RGBA, LA, PA, P or L/RGB/16-bit grey with a transparent colour) is
  flattened on white, the page background, never on black;
- 16-bit and 32-bit greyscale (I;16, I) and floating-point (F) values are scaled to
  0–255, never clipped;
- CMYK, YCbCr, LAB and HSV are converted to RGB, through the file's ICC profile when it
  has one (so are RGB and greyscale files with a profile, e.g. Adobe RGB);
- the EXIF orientation is applied to the pixels;
- an animation (GIF, APNG, WebP) gives its first frame.
"""

from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageCms, ImageMath, ImageOps

# The background transparency is flattened on: the page's own (white).
BACKGROUND = (255, 255, 255)

_SIXTEEN_BIT_MODES = {"I;16", "I;16L", "I;16B", "I;16N"}
_ALPHA_MODES = {"RGBA", "RGBa", "LA", "La", "PA"}
_SRGB = ImageCms.createProfile("sRGB")


def rendition_widths(original_width):
    widths = [w for w in settings.RENDITION_WIDTHS if w < original_width]
    # The original width, when smaller than the largest rendition, is the last step.
    if original_width and original_width <= settings.RENDITION_WIDTHS[-1]:
        widths.append(original_width)
    return widths or [settings.RENDITION_WIDTHS[0]]


def _scale_to_8_bits(picture):
    """An I;16, I or F image as 8-bit greyscale (L), its values scaled, not clipped.

    I;16 spans 0–65535. I spans 0–65535 when its values fit (a 16-bit PNG), else its
    own minimum to maximum. F spans 0.0–1.0 or 0–255 when its values fit, else its own
    minimum to maximum.
    """
    if picture.mode in _SIXTEEN_BIT_MODES:
        picture = picture.convert("I")
        low, high = 0, 65535
    else:
        if picture.mode != "F":
            picture = picture.convert("I") if picture.mode != "I" else picture
        low, high = picture.getextrema()
        if picture.mode == "I" and low >= 0 and high <= 65535:
            low, high = 0, 65535
        elif picture.mode == "F" and low >= 0.0 and high <= 1.0:
            low, high = 0.0, 1.0
        elif picture.mode == "F" and low >= 0.0 and high <= 255.0:
            low, high = 0.0, 255.0
    span = (high - low) or 1
    scale = 255.0 / span
    scaled = picture.convert("F").point(lambda value: value * scale - low * scale)
    # F → L truncates: add one half first, so that values are rounded.
    return scaled.point(lambda value: value + 0.5).convert("L")


def _transparent_level_mask(picture):
    """For a 16- or 32-bit greyscale image whose file names one grey level transparent
    (a PNG's tRNS chunk, `info["transparency"]`, an int on the 16-bit scale): an L mask,
    0 where a pixel has that level and 255 elsewhere. None when there is no such level.
    """
    level = picture.info.get("transparency")
    if not isinstance(level, int) or picture.mode == "F":
        return None
    grey = picture.convert("I") if picture.mode != "I" else picture
    return ImageMath.lambda_eval(lambda image: (image["grey"] != level) * 255, grey=grey).convert(
        "L"
    )


def has_transparency(picture):
    """Whether `picture` (any mode) has transparent or translucent pixels to flatten."""
    if picture.mode in _ALPHA_MODES:
        return picture.getchannel(picture.getbands()[-1]).getextrema()[0] < 255
    if picture.mode in _SIXTEEN_BIT_MODES or picture.mode == "I":
        return _transparent_level_mask(picture) is not None
    return "transparency" in picture.info and picture.mode in {"P", "L", "RGB", "1"}


def _flatten(picture):
    """Composite an image with transparency on BACKGROUND; returns RGB."""
    rgba = picture.convert("RGBA")
    canvas = PILImage.new("RGBA", rgba.size, (*BACKGROUND, 255))
    canvas.alpha_composite(rgba)
    return canvas.convert("RGB")


def _to_srgb(picture, icc_profile):
    """Convert through the embedded ICC profile; None when the profile cannot be used."""
    try:
        source = ImageCms.ImageCmsProfile(BytesIO(icc_profile))
        return ImageCms.profileToProfile(picture, source, _SRGB, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None


def display_rgb(picture):
    """Return `picture` (a PIL image of any mode) as it should look, as 8-bit sRGB.

    The result is upright (EXIF orientation applied), in mode "RGB", and the same size
    as the upright image. Raises nothing beyond what decoding the pixels raises
    (OSError for a damaged file).
    """
    icc_profile = picture.info.get("icc_profile")
    picture = ImageOps.exif_transpose(picture)
    if picture.mode in _SIXTEEN_BIT_MODES or picture.mode in {"I", "F"}:
        mask = _transparent_level_mask(picture)
        picture = _scale_to_8_bits(picture)
        icc_profile = None  # a grey profile for 16-bit values no longer fits
        if mask is not None:
            picture = picture.convert("LA")
            picture.putalpha(mask)
    if has_transparency(picture):
        if picture.mode in {"LA", "La"}:
            picture = picture.convert("LA")
        return _flatten(picture)
    if icc_profile and picture.mode in {"RGB", "CMYK", "L", "LAB"}:
        converted = _to_srgb(picture, icc_profile)
        if converted is not None:
            return converted
    if picture.mode == "LAB":
        lab = ImageCms.createProfile("LAB")
        return ImageCms.profileToProfile(picture, lab, _SRGB, outputMode="RGB")
    return picture.convert("RGB")


def is_animated(picture):
    """Whether the opened image has more than one frame (GIF, APNG, WebP)."""
    return getattr(picture, "n_frames", 1) > 1


def _encode(picture, fmt):
    buffer = BytesIO()
    if fmt == "webp":
        picture.save(buffer, "WEBP", quality=78, method=4)
    else:
        picture.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    return buffer.getvalue()


def make_renditions(image):
    """Write the renditions of `image` and return their list (what the model stores).

    Each entry is {"width", "height", "url_webp", "url_jpeg"} (pixels, storage URLs),
    narrowest first; original-ratio files of other widths (an earlier file's) are
    deleted. Raises OSError when the file is missing or cannot be decoded.
    """
    with image.file.open("rb") as handle, PILImage.open(handle) as opened:
        source = display_rgb(opened)  # an animation's first frame
        entries = _write(image, source, prefix="")
    # A new file may have fewer widths than the one it replaced: those files go.
    names = {f"{e['width']}.{ext}" for e in entries for ext in ("webp", "jpg")}
    _delete_stale(image.pk, keep=names, crops=False)
    return entries


def crop_box(width, height, ratio, focal_x=0.5, focal_y=0.5):
    """The (left, top, right, bottom) box, in pixels, of the largest `ratio` crop of a
    `width` × `height` picture whose centre is as near the focal point as fits.

    `ratio` is (w, h), e.g. (16, 9); `focal_x`, `focal_y` are fractions of the width and
    height (0 = left or top, 1 = right or bottom). The box never leaves the picture: a
    focal point near an edge gives a crop against that edge.
    """
    ratio_w, ratio_h = ratio
    if width * ratio_h > height * ratio_w:  # wider than the ratio: cut the sides
        crop_w, crop_h = max(1, round(height * ratio_w / ratio_h)), height
    else:  # taller: cut the top and bottom
        crop_w, crop_h = width, max(1, round(width * ratio_h / ratio_w))
    left = min(max(round(focal_x * width - crop_w / 2), 0), width - crop_w)
    top = min(max(round(focal_y * height - crop_h / 2), 0), height - crop_h)
    return left, top, left + crop_w, top + crop_h


def _write(image, source, prefix):
    """Encode `source` at each rendition width under renditions/<pk>/<prefix><width>.*"""
    entries = []
    for width in rendition_widths(source.width):
        height = max(1, round(source.height * width / source.width))
        picture = source.resize((width, height), PILImage.Resampling.LANCZOS)
        entry = {"width": width, "height": height}
        for fmt in ("webp", "jpeg"):
            name = f"renditions/{image.pk}/{prefix}{width}.{'jpg' if fmt == 'jpeg' else fmt}"
            if default_storage.exists(name):
                default_storage.delete(name)
            saved = default_storage.save(name, ContentFile(_encode(picture, fmt)))
            entry[f"url_{fmt}"] = default_storage.url(saved)
        entries.append(entry)
    return entries


def _crop_prefix(ratio, focal_x, focal_y):
    # The focal point is in the name: a moved focal point gives new addresses, so no
    # browser or CDN keeps showing the old crop.
    return f"{ratio[0]}x{ratio[1]}-{round(focal_x * 100)}-{round(focal_y * 100)}-"


def make_crops(image):
    """Write the fixed-ratio crops of `image` around its focal point; return them.

    Returns {ratio name: [entries]} for each of settings.RENDITION_RATIOS (e.g.
    {"16:9": [...], "3:2": [...]}), entries shaped as make_renditions' ones. Files of
    an earlier focal point are deleted. Raises OSError when the file is missing or
    cannot be decoded.
    """
    with image.file.open("rb") as handle, PILImage.open(handle) as opened:
        source = display_rgb(opened)
        crops, names = {}, set()
        for ratio_name, ratio in settings.RENDITION_RATIOS.items():
            box = crop_box(source.width, source.height, ratio, image.focal_x, image.focal_y)
            prefix = _crop_prefix(ratio, image.focal_x, image.focal_y)
            crops[ratio_name] = _write(image, source.crop(box), prefix)
            names.update(
                f"{prefix}{e['width']}.{ext}" for e in crops[ratio_name] for ext in ("webp", "jpg")
            )
    _delete_stale(image.pk, keep=names, crops=True)
    return crops


def _is_crop(name):
    # Crops are named <w>x<h>-…; the original-ratio renditions are <width>.<ext>.
    return "x" in name.split("-", 1)[0]


def _stored_renditions(pk):
    """The storage names of every file under renditions/<pk>/ (renditions and crops of
    photo `pk`); empty when the folder is missing or the storage cannot list it."""
    folder = f"renditions/{pk}"
    try:
        files = default_storage.listdir(folder)[1]
    except (NotImplementedError, OSError):
        return []
    return [f"{folder}/{name}" for name in files]


def _delete_stale(pk, keep, crops):
    """Delete the crop files (`crops` true) or original-ratio renditions (false) of
    photo `pk` not named in `keep` (storages without listdir: kept)."""
    for path in _stored_renditions(pk):
        name = path.rsplit("/", 1)[1]
        if _is_crop(name) == crops and name not in keep:
            default_storage.delete(path)


def delete_original(name, photos):
    """Delete the original `name` (a storage name) unless a row of `photos` (the Image
    queryset) still uses it: rows copied or loaded from a fixture can share a file.
    Gone already: no error."""
    if name and not photos.filter(file=name).exists():
        default_storage.delete(name)


def delete_files(pk, original, photos):
    """Delete the stored files of photo `pk`: its `original` (a storage name, may be
    empty; see delete_original) and every rendition and crop under renditions/<pk>/,
    from whichever storage holds the media (disk or bucket). A file already gone is no
    error."""
    delete_original(original, photos)
    for path in _stored_renditions(pk):
        default_storage.delete(path)


def photo_deleted(sender, instance, **kwargs):
    """post_delete of Image: its files go once the deletion is committed (a deletion
    rolled back keeps them)."""
    pk, original, photos = instance.pk, instance.file.name, sender._default_manager.all()
    transaction.on_commit(lambda: delete_files(pk, original, photos), robust=True)


class RenditionSet:
    """One list of renditions (all of one ratio), as pictures print it.

    `entries`: make_renditions' or make_crops' entries, narrowest first.
    """

    def __init__(self, entries):
        self.entries = entries

    def __bool__(self):
        return bool(self.entries)

    @property
    def srcset_webp(self):
        return ", ".join(f"{r['url_webp']} {r['width']}w" for r in self.entries)

    @property
    def srcset_jpeg(self):
        return ", ".join(f"{r['url_jpeg']} {r['width']}w" for r in self.entries)

    @property
    def fallback(self):
        """The second-narrowest rendition, the `src` where srcset is not understood; its
        width and height are the ones the page reserves (no layout shift)."""
        if not self.entries:
            return None
        return self.entries[min(1, len(self.entries) - 1)]

    @property
    def smallest(self):
        return self.entries[0] if self.entries else None
