"""Article HTML: what an editor stores is what readers get, and nothing more.

nh3 (the Rust ammonia sanitizer) with an allow-list of the tags a news article needs.
The admin's rich-text editor (django-prose-editor) offers a subset of this list, and
its form field cleans with `sanitize_html` too, so there is one allow-list, here.
"""

import re

import nh3

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
}
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
}

_EMPTY_ELEMENT = re.compile(r"^\s*<(?P<tag>\w+)>\s*</(?P=tag)>\s*$")


def sanitize_html(html):
    """Return `html` reduced to the allow-list; links get rel="noopener noreferrer"."""
    if not html:
        return ""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    # The editor always leaves one empty paragraph: an empty body is stored empty.
    return "" if _EMPTY_ELEMENT.match(cleaned) else cleaned
