"""The public address (`settings.SITE_URL`) and the links built on it.

Canonical links, `hreflang`, JSON-LD, OpenGraph, feeds, sitemaps, `robots.txt`, the
moderators' e-mail and the admin address `seed_demo` prints all name the site the way
readers reach it, whatever host or port a request came in on (docs/input.md, "The
public address"). They build it here, so that a trailing slash or a port in
`SITE_URL` gives the same address everywhere.
"""

from urllib.parse import urlsplit

from django.conf import settings


def site_url(path=""):
    """`path` (a str starting with "/", as `reverse()` gives) on the public site.

    `site_url()` is the site itself, without a trailing slash ("https://example.org");
    a `path` that is already absolute ("https://…", "http://…", as a storage may give
    for media) is returned as it is.
    """
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


def site_scheme():
    """The public site's scheme ("https"; "https" when SITE_URL names none)."""
    return urlsplit(settings.SITE_URL).scheme or "https"


def site_host():
    """The public site's host name alone: no port, no brackets ("example.org", "::1")."""
    return urlsplit(settings.SITE_URL).hostname or ""
