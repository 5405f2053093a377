"""Reading rendered pages the way a crawler does: head metadata, JSON-LD, h1, breadcrumbs."""

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

VOID = {"meta", "link", "img", "input", "br", "hr", "source", "wbr"}


class PageReader(HTMLParser):
    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.meta, self.links, self.json_ld = {}, [], []
        self.title = ""
        self.h1 = []
        self.breadcrumbs = []
        self._stack = []
        self._script = None
        self._in_breadcrumbs = 0
        self._crumb = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in VOID:
            self._stack.append(tag)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta.setdefault(key, []).append(attrs.get("content"))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._script = []
        elif tag == "h1":
            self.h1.append("")
        elif tag == "nav" and "breadcrumbs" in (attrs.get("class") or ""):
            self._in_breadcrumbs = len(self._stack)
        elif tag == "li" and self._in_breadcrumbs:
            self._crumb = ""

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.json_ld.append(json.loads("".join(self._script)))
            self._script = None
        elif tag == "li" and self._crumb is not None:
            self.breadcrumbs.append(" ".join(self._crumb.split()))
            self._crumb = None
        elif tag == "nav" and self._in_breadcrumbs == len(self._stack):
            self._in_breadcrumbs = 0
        if self._stack:
            self._stack.pop()

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self._stack.pop()

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)
        if self._stack and self._stack[-1] == "title":
            self.title += data
        if self.h1 and "h1" in self._stack:
            self.h1[-1] += data
        if self._crumb is not None:
            self._crumb += data

    def first(self, key):
        values = self.meta.get(key) or [None]
        return values[0]

    def alternates(self):
        return {
            link["hreflang"]: link["href"]
            for link in self.links
            if link.get("rel") == "alternate" and link.get("hreflang")
        }

    def canonical(self):
        return next(link["href"] for link in self.links if link.get("rel") == "canonical")

    def feeds(self):
        return [
            link
            for link in self.links
            if link.get("rel") == "alternate"
            and link.get("type") in {"application/rss+xml", "application/atom+xml"}
        ]


def read_page(response):
    assert response.status_code == 200, response.status_code
    return PageReader(response.content.decode())


def parse_xml(response):
    """Parse a feed or sitemap we served (our own output, so the stdlib parser is fine)."""
    assert response.status_code == 200, response.status_code
    return ET.fromstring(response.content)  # noqa: S314
