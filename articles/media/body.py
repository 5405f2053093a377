"""The media blocks of an article body, expanded when the page is made.

The body stores one small element per block (articles.content.sanitize admits exactly
these shapes):

- `<figure data-image="12"></figure>`: a photo of the media library;
- `<figure data-gallery="12,13,14"></figure>`: several photos;
- `<figure data-embed="youtube" data-src="https://…"></figure>`: a click-to-load embed
  (articles.media.embeds).

`render_body()` replaces each with its markup: photos with the renditions, `srcset`,
`sizes` and lazy loading of the hero (templates/includes/picture.html), alt text,
caption and credit; embeds with a placeholder that loads nothing from the provider.
The photos of a body come in one query; an id with no photo (deleted, say) shows
nothing.
"""

import html
import re
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from articles.media.embeds import PROVIDERS, player_url

_BLOCK = re.compile(r"<figure (?P<attrs>data-[^>]*)>\s*</figure>")
_ATTRIBUTE = re.compile(r'(?P<name>data-[a-z]+)="(?P<value>[^"]*)"')

# The column of the article page: as the hero (templates/articles/article_detail.html).
PHOTO_SIZES = "(min-width: 992px) 800px, 100vw"
GALLERY_SIZES = "(min-width: 992px) 400px, 50vw"


@dataclass
class RenderedBody:
    """An article body made for the page.

    `html` is safe markup; `embed_origins` the player origins (https://host) of the
    embeds it shows, sorted: what the page's CSP lets the reader's click load.
    """

    html: str
    embed_origins: list = field(default_factory=list)


def _blocks(body):
    for match in _BLOCK.finditer(body):
        attrs = {m["name"]: html.unescape(m["value"]) for m in _ATTRIBUTE.finditer(match["attrs"])}
        yield match, attrs


def _ids(value):
    return [int(part) for part in (value or "").split(",") if part.isascii() and part.isdigit()]


def image_ids(body):
    """The ids of the photos a stored body shows (a set of int)."""
    ids = set()
    for _match, attrs in _blocks(body or ""):
        ids.update(_ids(attrs.get("data-image")))
        ids.update(_ids(attrs.get("data-gallery")))
    return ids


def render_body(body, light=False):
    """Expand the media blocks of a sanitized `body` (a str); returns a RenderedBody.
    `light`: for a light page (newsportal.lightmode), photos as links shown on tap.

    One query when the body shows photos, none otherwise. Unknown photo ids and embeds
    whose provider or address we do not accept render nothing.
    """
    from articles.models import Image

    body = body or ""
    ids = image_ids(body)
    images = {}
    if ids:
        images = {
            image.pk: image
            for image in Image.objects.filter(pk__in=ids).only(
                "alt_text", "caption", "credit", "renditions", "crops", "width", "height"
            )
        }
    origins = set()

    def replace(match, attrs):
        if "data-embed" in attrs:
            key, url = attrs["data-embed"], attrs.get("data-src", "")
            src = player_url(key, url)
            if not src:
                return ""
            provider = PROVIDERS[key]
            origins.add(provider.origin)
            return render_to_string(
                "articles/includes/body_embed.html",
                {"provider": provider, "key": key, "url": url, "player": src},
            )
        if "data-gallery" in attrs:
            photos = [images[i] for i in _ids(attrs["data-gallery"]) if i in images]
            if not photos:
                return ""
            return render_to_string(
                "articles/includes/body_gallery.html",
                {"photos": photos, "sizes": GALLERY_SIZES, "light_mode": light},
            )
        photo = images.get(next(iter(_ids(attrs.get("data-image"))), None))
        if photo is None:
            return ""
        return render_to_string(
            "articles/includes/body_photo.html",
            {"image": photo, "sizes": PHOTO_SIZES, "light_mode": light},
        )

    parts, end = [], 0
    for match, attrs in _blocks(body):
        parts.append(body[end : match.start()])
        parts.append(replace(match, attrs).strip())
        end = match.end()
    parts.append(body[end:])
    # The body was sanitized on save; the blocks are our templates' escaped output.
    return RenderedBody(mark_safe("".join(parts)), sorted(origins))  # noqa: S308
