"""Light mode: pages for readers who pay for every byte (docs/performance.md, "Light mode").

A page is light when the browser asks for it with `Save-Data: on` (the Save-Data client
hint), or when the reader chose it on the page: the address then starts with
`/leger/` (`/leger/article/<slug>/`), and every link of a light page keeps that prefix,
so no cookie is needed. `/complet/` is the opposite choice: the full page, whatever the
browser asks (the « Version complète » link of a page made light by Save-Data).

A light page has no photos (a link shows the smallest rendition on tap), a stylesheet
of its own instead of Bootstrap, and the same text, links and comment form.

Caches keep the variants apart: the page cache keys a page by `request.page_variant`
(newsportal.pagecache), a page at a plain address is sent with `Vary: Save-Data`, and
the nginx recipe's micro-cache key names the variant (docs/deployment.md).
"""

import re

from django.conf import settings
from django.utils.cache import patch_vary_headers

# The address prefixes a reader chooses with, and the variant each one gives.
LIGHT_PREFIX = "/leger"
FULL_PREFIX = "/complet"
PREFIXES = {LIGHT_PREFIX: "light", FULL_PREFIX: "full"}
# The page-cache variant of a light page (a full page keys with "").
LIGHT = "light"

# Where a link of a page reached through a prefix keeps the prefix: every address of the
# site but the files (STATIC_URL, MEDIA_URL), the newsroom, the feeds and the crawlers'
# files, which have no light version, and links that already name a variant.
_KEPT_OUT = (
    "/",  # "//host/…": another site
    *(
        url.removeprefix("/")
        for url in (settings.STATIC_URL, settings.MEDIA_URL)
        if url.startswith("/") and not url.startswith("//")
    ),
    "admin/",
    "en/admin/",
    "flux/",
    "en/flux/",
    "leger/",
    "complet/",
    "sitemap",
    "robots.txt",
    "healthz",
    "i18n/",
)
_KEPT_OUT_RE = "|".join(re.escape(path) for path in _KEPT_OUT)
_LINK = re.compile(rf'(?P<attribute>\s(?:href|action)=")/(?!{_KEPT_OUT_RE})'.encode())
_PATH = re.compile(rf"/(?!{_KEPT_OUT_RE})")


# The spaces HTTP allows around a header's value (OWS, RFC 9110 § 5.6.3): nothing else is
# stripped, so that nginx's micro-cache key (docs/nginx/newsportal.conf, the
# `$newsportal_variant` map) and this test agree on every value. str.strip() also took
# "\xa0on" and "on\x85" for "on", which nginx keys as the full page: the light page
# was then kept under the full page's key and given to every reader.
_OWS = " \t"


def wants_less_data(request):
    """Whether the browser sent `Save-Data: on` (the header's one token, any case,
    with spaces or tabs around it and nothing else)."""
    return request.headers.get("Save-Data", "").strip(_OWS).lower() == "on"


def is_light(request):
    """Whether `request` gets the light page (set by LightModeMiddleware; False without it)."""
    return getattr(request, "page_variant", "") == LIGHT


def keep_prefix(content, prefix):
    """`content` (HTML bytes) with each site-relative `href="/…"` and `action="/…"` led
    by `prefix` ("/leger" or "/complet"), except the addresses in _KEPT_OUT."""
    return _LINK.sub(rb"\g<attribute>" + prefix.encode() + b"/", content)


def switch_path(request):
    """The address of this page in the other variant (a str with its query string):
    `/leger/…` from a full page, `/complet/…` from a light one."""
    prefix = FULL_PREFIX if is_light(request) else LIGHT_PREFIX
    return prefix + request.get_full_path()


def _is_html(response):
    return response.get("Content-Type", "").startswith("text/html")


class LightModeMiddleware:
    """Choose the variant of each request before the page cache keys it.

    A request to `/leger/…` or `/complet/…` is handled as the address without the
    prefix (`request.path` and `path_info`: the canonical link, the language and the
    view are the plain page's), with `request.page_variant` set; its HTML answer gets
    its links and its redirects' `Location` prefixed again (keep_prefix). Any other
    request is light when it carries `Save-Data: on`, and its answer is sent with
    `Vary: Save-Data`. Place it before newsportal.pagecache.PageCacheMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        prefix = self.take_prefix(request)
        if prefix:
            request.page_variant = LIGHT if PREFIXES[prefix] == "light" else ""
        else:
            request.page_variant = LIGHT if wants_less_data(request) else ""
        response = self.get_response(request)
        if not prefix:
            # Pages (and their 304s) differ by Save-Data; files and feeds do not.
            if response.status_code == 304 or _is_html(response):
                patch_vary_headers(response, ["Save-Data"])
            return response
        if _PATH.match(location := response.get("Location", "")):
            response["Location"] = prefix + location
        if not response.streaming and _is_html(response):
            response.content = keep_prefix(response.content, prefix)
            if response.has_header("Content-Length"):
                response["Content-Length"] = len(response.content)
        return response

    @staticmethod
    def take_prefix(request):
        """Strip a variant prefix from the request's path; the prefix taken, or None.

        Only before an address that has a light version: the prefix of `/leger/admin/`,
        `/leger/robots.txt` or `/leger/media/…` (the addresses in _KEPT_OUT) stays, and
        the address is not found. The newsroom, the feeds, the crawlers' files and the
        files keep one address each (a proxy keeping `/admin/` to some readers sees
        every way in)."""
        for prefix in PREFIXES:
            path_info = request.path_info
            if path_info == prefix or (
                path_info.startswith(prefix + "/") and _PATH.match(path_info, len(prefix))
            ):
                script_name = request.path[: len(request.path) - len(path_info)]
                request.path_info = path_info[len(prefix) :] or "/"
                request.path = script_name + request.path_info
                return prefix
        return None
