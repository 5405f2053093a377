"""Article HTML: what an editor stores is what readers get, and nothing more.

nh3 (the Rust ammonia sanitizer) with an allow-list of the tags a news article needs.
The admin's rich-text editor (django-prose-editor) offers a subset of this list, and
its form field cleans with `sanitize_html` too, so there is one allow-list, here.
"""

import re

import nh3

from articles.media.editor import EDITOR_OPTIONS as MEDIA_BLOCK_OPTIONS
from articles.media.embeds import PROVIDERS as EMBED_PROVIDERS
from articles.media.embeds import player_url

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "a", "ul", "ol", "li", "blockquote", "q", "cite", "figure", "figcaption", "img",
    "hr", "abbr", "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "abbr": {"title"},
    "ol": {"start"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    # The media blocks of the body (articles.media.body): photos, galleries, embeds.
    "figure": {"data-image", "data-gallery", "data-embed", "data-src"},
}
# A gallery holds at most this many photos.
GALLERY_MAX_PHOTOS = 30
_IMAGE_ID = re.compile(r"[1-9]\d{0,9}")
_GALLERY_IDS = re.compile(rf"[1-9]\d{{0,9}}(?:,[1-9]\d{{0,9}}){{0,{GALLERY_MAX_PHOTOS - 1}}}")
URL_SCHEMES = {"http", "https", "mailto"}

# What the admin editor offers (django-prose-editor extensions): every tag these
# produce is in ALLOWED_TAGS (a test checks it), so nothing typed there is lost on save.
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "HardBreak": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "Link": {"enableTarget": False, "protocols": sorted(URL_SCHEMES)},
    # Ours (static/js/editor-media.js): photo, gallery and embed blocks.
    "MediaBlock": MEDIA_BLOCK_OPTIONS,
}

_EMPTY_ELEMENT = re.compile(r"^\s*<(?P<tag>\w+)>\s*</(?P=tag)>\s*$")


def _media_attribute(element, attribute, value):
    """nh3's attribute filter: the media block attributes keep only values of our shape.

    `data-image` is one image id (digits), `data-gallery` ids separated by commas (at
    most GALLERY_MAX_PHOTOS), `data-embed` a provider of articles.media.embeds and
    `data-src` an https address of a provider's pattern (checked again, with the
    provider, when the page is made). Any other value drops the attribute (None).
    """
    if element != "figure":
        return value
    if attribute == "data-image":
        return value if _IMAGE_ID.fullmatch(value) else None
    if attribute == "data-gallery":
        return value if _GALLERY_IDS.fullmatch(value) else None
    if attribute == "data-embed":
        return value if value in EMBED_PROVIDERS else None
    if attribute == "data-src":
        return value if any(player_url(key, value) for key in EMBED_PROVIDERS) else None
    return value


_TRAILING_EMPTY_PARAGRAPHS = re.compile(r"(?:<p>(?:\s|<br>)*</p>\s*)+$")


def sanitize_html(html):
    """Return `html` reduced to the allow-list; links get rel="noopener noreferrer".

    A media block (`<figure data-image|data-gallery|data-embed>`) keeps only attribute
    values of our shape (_media_attribute); the page expands it (articles.media.body).
    """
    if not html:
        return ""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=_media_attribute,
    )
    # The editor always leaves one empty paragraph: an empty body is stored empty, and
    # the paragraph it keeps after a last photo or embed (for the cursor) is not stored.
    if _EMPTY_ELEMENT.match(cleaned):
        return ""
    return _TRAILING_EMPTY_PARAGRAPHS.sub("", cleaned)
