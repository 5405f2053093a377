"""Is a rendered page inert? Parse it and look for anything a payload could run."""

import re
from collections import Counter
from html.parser import HTMLParser

# Elements that run, load or embed something, or change how the page is read: a
# hostile page may hold no more of them than the same page with harmless content.
ACTIVE_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta",
    "link", "style", "svg", "math", "form", "input", "button", "textarea", "select",
    "img", "video", "audio", "source", "details", "marquee", "noscript", "template",
    "xmp", "listing", "isindex", "image", "animate", "set", "foreignobject", "maction",
    "title",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "background", "poster", "data",
    "srcset", "srcdoc", "codebase", "dynsrc", "lowsrc", "ping",
}  # fmt: skip
# What a browser ignores in a URL before its scheme: controls and spaces.
IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:image/svg")


class PageInspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = Counter()
        self.problems = []
        self.scripts = []
        self.links = []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        attributes = dict(attrs)
        if tag == "script":
            self.scripts.append(attributes)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>: an event handler")
            if name in URL_ATTRIBUTES or name == "style":
                flat = IGNORED_IN_SCHEME.sub("", value).lower()
                if any(scheme in flat for scheme in DANGEROUS_SCHEMES):
                    self.problems.append(f"<{tag} {name}={value[:60]!r}>: a script URL")
                if "expression(" in flat or "url(javascript" in flat:
                    self.problems.append(f"<{tag} {name}={value[:60]!r}>: a script in CSS")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        # A <meta content> is text (a description, a title) except for a refresh: its
        # words may spell "javascript:" harmlessly.

    handle_startendtag = handle_starttag


def inspect(html):
    inspector = PageInspector()
    inspector.feed(html)
    inspector.close()
    return inspector


def assert_inert(response, baseline, allowed=()):
    """The hostile page holds no more active elements than `baseline`, no handler, no
    script URL, and each of its scripts is the site's own (a file of the site: the CSP
    allows scripts from 'self' only)."""
    assert response.status_code == 200, response.status_code
    page = inspect(response.content.decode())
    assert page.problems == [], page.problems[:10]
    reference = inspect(baseline.content.decode())
    extra = {
        tag: page.tags[tag] - reference.tags[tag]
        for tag in ACTIVE_TAGS - set(allowed)
        if page.tags[tag] > reference.tags[tag]
    }
    assert extra == {}, f"elements a payload added: {extra}"
    for script in page.scripts:
        # A JSON-LD block is data, never run; a payload escaping it would have added
        # elements, which the count above catches.
        if script.get("type") == "application/ld+json":
            continue
        assert (script.get("src") or "").startswith("/static/"), script
    return page
